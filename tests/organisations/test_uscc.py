import doctest

import pytest
from django.utils import translation
from hypothesis import given
from hypothesis import strategies as st

from organisations import uscc
from organisations.models import Organisation
from organisations.services import organisation_create
from portal.core.errors import NotAllowed, PortalError
from portal.core.roles import Role
from tests.factories import ProgramFactory, UserFactory, user_with_role

ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
SPEC_WEIGHTS = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28]


def spec_check(first17):
    """The rule as domain.md words it, written independently of the implementation."""
    c = 31 - sum(ALPHABET.index(ch) * w for ch, w in zip(first17, SPEC_WEIGHTS, strict=True)) % 31
    return ALPHABET[0 if c == 31 else c]


def test_weights_are_the_standards():
    assert uscc.WEIGHTS == SPEC_WEIGHTS


@pytest.mark.parametrize("code", ["91350100M000100Y43", "91110108551385082Q"])
def test_published_codes_are_valid(code):
    assert uscc.validate(code) == code


@pytest.mark.parametrize("raw", [" 91350100m000100y43 ", "9135 0100 M000 100Y 43", "\t91110108551385082q\n"])
def test_blanks_and_lower_case_are_normalised(raw):
    assert uscc.validate(raw) == uscc.normalise(raw).upper()


@given(st.text(alphabet=ALPHABET, min_size=17, max_size=17))
def test_completed_codes_validate_and_match_the_spec(first17):
    code = uscc.complete(first17)
    assert code[17] == spec_check(first17)
    assert uscc.validate(code) == code


@given(st.text(alphabet=ALPHABET, min_size=17, max_size=17), st.sampled_from(ALPHABET))
def test_any_other_check_character_is_refused(first17, wrong):
    if wrong == spec_check(first17):
        return
    with pytest.raises(uscc.USCCCheckCharacterError) as error:
        uscc.validate(first17 + wrong)
    assert error.value.rule == "check"


@pytest.mark.parametrize(
    ("raw", "rule", "english", "chinese"),
    [
        ("", "empty", "Enter the unified social credit code.", "请输入统一社会信用代码"),
        ("91350100M000100Y4", "length", "has 18 characters; this one has 17", "应为18位"),
        ("91350100M000100Y433", "length", "this one has 19", "应为18位"),
        ("91350100M0001O0Y43", "charset", "“O” cannot appear", "“O”"),
        ("9135010IM000100Y4S", "charset", "“IS” cannot appear", "“IS”"),
        ("91350100M000100Y44", "check", "should be “3” but is “4”", "应为“3”"),
    ],
)
def test_each_rule_has_its_own_message(raw, rule, english, chinese):
    with translation.override("en"), pytest.raises(uscc.USCCError) as error:
        uscc.validate(raw)
    assert error.value.rule == rule
    assert english in str(error.value.message)
    with translation.override("zh-hans"), pytest.raises(uscc.USCCError) as error:
        uscc.validate(raw)
    assert chinese in str(error.value.message)


def test_doctests_of_uscc_and_money():
    from portal.core import money

    for module in (uscc, money):
        result = doctest.testmod(module)
        assert result.attempted > 0 and result.failed == 0


@pytest.mark.django_db
def test_check_failure_needs_a_bureau_admin_and_a_reason():
    bad = "91350100M000100Y44"
    admin = user_with_role(ProgramFactory(), Role.BUREAU_ADMIN)
    reviewer = user_with_role(ProgramFactory(), Role.BUREAU_REVIEWER)

    with pytest.raises(uscc.USCCCheckCharacterError):
        organisation_create(uscc=bad, name="早期企业", kind="enterprise", acting_user=admin)
    with pytest.raises(NotAllowed):
        organisation_create(
            uscc=bad,
            name="早期企业",
            kind="enterprise",
            acting_user=reviewer,
            override_reason="营业执照原件核对无误",
        )
    assert not Organisation.objects.filter(uscc=bad).exists()

    organisation = organisation_create(
        uscc=bad.lower(),
        name="早期企业",
        kind="enterprise",
        acting_user=admin,
        override_reason="营业执照原件核对无误",
    )
    assert organisation.uscc == bad
    assert organisation.uscc_override_by == admin
    assert organisation.history.get().history_user == admin


@pytest.mark.django_db
def test_other_rules_cannot_be_overridden_and_duplicates_are_refused():
    admin = user_with_role(ProgramFactory(), Role.BUREAU_ADMIN)
    with pytest.raises(uscc.USCCError) as error:
        organisation_create(
            uscc="91350100M0001O0Y43", name="x", kind="enterprise", acting_user=admin, override_reason="理由"
        )
    assert error.value.rule == "charset"
    organisation_create(uscc="91350100M000100Y43", name="甲公司", kind="enterprise", acting_user=UserFactory())
    with translation.override("en"), pytest.raises(PortalError) as error:
        organisation_create(uscc=" 91350100m000100y43", name="乙公司", kind="enterprise")
    assert "already registered to “甲公司”" in str(error.value.message)
