"""Chinese is the default language: every message of the catalogue is translated, and the compiled file is current."""

import gettext
import re

from django.utils import translation

from tests.support.paths import ROOT

PO = ROOT / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po"


def entries():
    text = PO.read_text(encoding="utf-8")
    for block in text.split("\n\n")[1:]:
        if block.startswith("#~"):
            continue
        msgid = "".join(re.findall(r'"(.*)"', block.split("msgstr")[0].split("msgid", 1)[1]))
        msgstr = "".join(re.findall(r'"(.*)"', block.split("msgstr", 1)[1]))
        yield block, msgid, msgstr


def test_every_message_is_translated_and_none_is_fuzzy():
    found = list(entries())
    assert len(found) > 400
    untranslated = [msgid for block, msgid, msgstr in found if msgid and not msgstr]
    fuzzy = [msgid for block, msgid, msgstr in found if "#, fuzzy" in block]
    assert untranslated == [] and fuzzy == []


def _text(quoted):
    return quoted.encode().decode("unicode_escape").encode("latin-1").decode("utf-8")


def test_compiled_catalogue_matches_the_source():
    compiled = gettext.GNUTranslations(PO.with_suffix(".mo").open("rb"))
    for block, msgid, msgstr in entries():
        if msgid and "msgid_plural" not in block:
            context = re.search(r'^msgctxt "(.*)"$', block, re.M)
            found = (
                compiled.pgettext(_text(context.group(1)), _text(msgid)) if context else compiled.gettext(_text(msgid))
            )
            assert found == _text(msgstr), msgid


def test_chinese_by_default_and_english_on_request():
    with translation.override("zh-hans"):
        assert translation.gettext("Scenario catalogue") == "应用场景清单"
    with translation.override("en"):
        assert translation.gettext("Scenario catalogue") == "Scenario catalogue"
