"""The horse-race (赛马) pages and API: the reviewer reads a period's ranking (groups, scores, the change since the
last period, the trend, the dynamic list, the unranked providers), publishes it (the auditor may not), and has
the bulletin PDF made, followed and downloaded, one file per snapshot however often it is asked for; a provider
reads the published periods only, and only its own figures unless the program publishes everyone's; another
program's users and snapshots are 404 everywhere; the page costs the same queries for 2 providers as for 10."""

import re
from datetime import date

import pytest
from django.urls import reverse

from programs.access import program_access
from programs.models import Program
from providers.models import PoolMembership, ProviderSelection
from rankings import periods, services
from rankings.kinds import indicator_labels
from rankings.models import BulletinFile, BulletinJob, RankingScheme, RankingSnapshot
from subsidies.accepted import ProjectSpec, accepted_projects_create
from tests.factories import PoolMembershipFactory
from tests.support.clock import at
from tests.support.pages import page_queries as count
from tests.support.pages import shown
from tests.support.people import as_user, user

INDICATOR_LABELS = indicator_labels("horse_race")

INDICATOR_LABELS = indicator_labels("horse_race")

pytestmark = pytest.mark.django_db
SLUG = "wuyi-2024"
OWN = "浙江数智工联科技有限公司"  # wuyi-provider's organisation
RIVAL = "金华云工厂信息技术有限公司"  # wuyi-provider2's organisation
IDLE = "武义赛马测试无项目服务商有限公司"  # selected, no project: listed unranked


def page(slug=SLUG, **kwargs):
    return reverse("rankings:horse-race", kwargs={"program": slug, **kwargs})


def url(name, snapshot, slug=SLUG, **kwargs):
    return reverse(f"rankings:{name}", kwargs={"program": slug, "snapshot": snapshot.pk, **kwargs})


def api(snapshot=None, slug=SLUG):
    if snapshot is None:
        return reverse("api:horse-race-list", kwargs={"program": slug})
    return reverse("api:horse-race-detail", kwargs={"program": slug, "snapshot": snapshot.pk})


def membership(program, name) -> PoolMembership:
    return PoolMembership.objects.get(program=program, organisation__name=name)


def selected_before(program):
    """The demo selects its providers today; rank periods of 2024 with selections made before them."""
    assert not RankingSnapshot.objects.filter(program=program).exists(), "the session DB already ranks " + program.slug
    ProviderSelection.objects.filter(membership__program=program).update(selected_on=date(2024, 6, 1))


def add_selected(program, name, industry="kitchenware") -> PoolMembership:
    member = PoolMembershipFactory(program=program, organisation__name=name)
    existing = ProviderSelection.objects.filter(membership__program=program).first()
    ProviderSelection.objects.create(
        membership=member,
        industry=program.industries.get(code=industry),
        round=existing.round,
        decision=existing.decision,
        selected_on=date(2024, 6, 1),
    )
    return member


def snapshot_of(program, day: str) -> RankingSnapshot:
    kind = services.scheme_of(program).period
    return services.snapshot_make(
        program=program, period=periods.period_containing(kind, program.starts_on, date.fromisoformat(day))
    )


@pytest.fixture
def race():
    """Wuyi, biweekly. 金华云工厂 has one project accepted in June; 数智工联 two signed earlier and accepted on
    1 August. Period 1 (8–21 July): 云工厂 first, 数智工联 second; period 2 (22 July – 4 August): 数智工联 first
    (↑1), 云工厂 second (↓1) and, the dynamic list watching the last place of one period, flagged. A third
    selected provider has no project: listed apart, unranked."""
    program = Program.objects.get(slug=SLUG)
    selected_before(program)
    idle = add_selected(program, IDLE)
    scheme = services.scheme_of(program)
    RankingScheme.objects.filter(pk=scheme.pk).update(bottom_periods=1)
    own, rival = membership(program, OWN), membership(program, RIVAL)
    accepted_projects_create(
        program,
        [
            ProjectSpec("赛马测试炊具企业甲", "kitchenware", at("2024-08-01"), provider=own),
            ProjectSpec("赛马测试炊具企业乙", "kitchenware", at("2024-08-01"), provider=own),
            ProjectSpec("赛马测试电动工具企业丙", "power-tools", at("2024-06-01"), provider=rival),
        ],
        actor=user("wuyi-reviewer"),
    )
    first = snapshot_of(program, "2024-07-20")
    second = snapshot_of(program, "2024-07-25")
    assert (first.period_start, second.period_start) == (date(2024, 7, 8), date(2024, 7, 22))
    return {"program": program, "first": first, "second": second, "own": own, "rival": rival, "idle": idle}


def published(snapshot, reviewer="wuyi-reviewer"):
    access = program_access(user=user(reviewer), slug=snapshot.program.slug)
    return services.snapshot_publish(access=access, snapshot=snapshot)


def indicator_cells(table, name):
    """(raw, normalised) of each indicator cell of the table row naming `name`."""
    row = next(row for row in re.findall(r"<tr.*?</tr>", table, flags=re.S) if name in row)
    return re.findall(r'<td class="num">([^<]*)<span class="row-sub">([^<]*)</span></td>', row)


def section(html, css_class):
    """The markup of every element opened with `class="<css_class>"`, up to its table or list's end."""
    return re.findall(rf'class="{css_class}"(.*?)</(?:table|ul)>', html, flags=re.S)


# The reviewer's page ----------------------------------------------------------------------------------------


def test_the_reviewer_reads_the_ranking_with_its_change_trend_dynamic_list_and_unranked_providers(client, race):
    second, own, rival = race["second"], race["own"], race["rival"]
    response = as_user(client, "wuyi-reviewer").get(page())
    html = response.content.decode()
    assert response.status_code == 200 and response.context["snapshot"] == second  # the latest by default

    overall = second.entries.get(group="", subject_id=own.pk), second.entries.get(group="", subject_id=rival.pk)
    assert [(entry.rank, entry.previous_rank) for entry in overall] == [(1, 2), (2, 1)]
    tables = section(html, "table horse-race-table")
    # overall, hardware, kitchenware, leisure, power tools; hardware and leisure have no project, so no table
    assert [group.code for group in response.context["groups"]] == [
        "",
        "hardware",
        "kitchenware",
        "leisure",
        "power-tools",
    ]
    assert len(tables) == 3
    first_table = tables[0]  # the overall group comes first
    assert first_table.index(OWN) < first_table.index(RIVAL)
    assert f"{overall[0].score}" in first_table and f"{overall[1].score}" in first_table
    assert overall[0].score > overall[1].score
    assert "↑ 1" in first_table and "↓ 1" in first_table
    # each indicator's raw value over its normalised one, in the indicators' order ("—": no data yet)
    expected = [(overall[0].values[code] or "—", overall[0].normalised[code]) for code in INDICATOR_LABELS]
    assert indicator_cells(first_table, OWN) == expected
    assert any(raw == "—" for raw, _normalised in expected)  # no rating, no milestone yet
    assert IDLE not in "".join(tables)
    unranked = section(html, "horse-race-unranked")
    assert any(IDLE in block for block in unranked)

    assert "<svg" in html and "<polyline" in html  # the bar charts, and the trend's line over two periods
    provider_page = reverse("providers:detail", kwargs={"program": SLUG, "provider": rival.pk})
    flagged = section(html, "horse-race-flagged")
    assert flagged and RIVAL in flagged[0] and provider_page in flagged[0] and OWN not in flagged[0]
    assert second.entries.get(group="", subject_id=rival.pk).flag_reason in html

    weights = response.context["scheme"]["weights"]
    assert len(weights) == 11 and sum(weight for _label, _group, weight in weights) == 100
    assert [option.pk for option in response.context["snapshots"]] == [second.pk, race["first"].pk]
    earlier = client.get(page(), {"snapshot": race["first"].pk})
    assert earlier.context["snapshot"] == race["first"] and "<polyline" not in earlier.content.decode()


def test_an_unknown_or_foreign_snapshot_is_404_on_the_page(client, race):
    other = Program.objects.get(slug="yongkang-2024")
    foreign = snapshot_of(other, "2024-07-20")
    as_user(client, "wuyi-reviewer")
    for value in (foreign.pk, "x", 2**70):
        assert client.get(page(), {"snapshot": value}).status_code == 404, value
    assert client.post(url("publish", foreign)).status_code == 404
    assert client.post(url("bulletin-request", foreign)).status_code == 404
    assert RankingSnapshot.objects.get(pk=foreign.pk).status == "computed"
    assert not BulletinJob.objects.filter(snapshot=foreign).exists()


def test_without_a_ranking_the_page_says_rankings_are_made_after_each_period(client):
    response = as_user(client, "yongkang-reviewer").get(page(slug="yongkang-2024"))
    assert response.status_code == 200 and response.context.get("snapshot") is None
    html = response.content.decode()
    main = html.split('id="main"')[1]
    assert "<svg" not in main and 'method="post"' not in main  # no chart, nothing to publish or print
    assert (
        shown(
            "Rankings are made automatically after each period ends, from the program's data as of its last day.",
            escaped=False,
        )
        in html
    )
    assert shown("Monthly") in html  # Yongkang ranks monthly; Wuyi every two weeks
    wuyi = as_user(client, "wuyi-reviewer").get(page()).content.decode()
    assert shown("Every two weeks (Monday to Sunday)") in wuyi


# Publishing ---------------------------------------------------------------------------------------------------


def test_the_reviewer_publishes_a_period_and_the_auditor_may_not(client, race):
    second = race["second"]
    auditor = as_user(client, "wuyi-auditor").get(page())
    assert auditor.status_code == 200 and url("publish", second) not in auditor.content.decode()
    assert client.post(url("publish", second)).status_code == 403
    assert RankingSnapshot.objects.get(pk=second.pk).status == "computed"

    reviewer = as_user(client, "wuyi-reviewer")
    assert url("publish", second) in reviewer.get(page()).content.decode()
    response = reviewer.post(url("publish", second))
    assert response.status_code == 302 and response["Location"] == f"{page()}?snapshot={second.pk}"
    second.refresh_from_db()
    assert second.status == "published" and second.published_by == user("wuyi-reviewer")
    assert url("publish", second) not in reviewer.get(page()).content.decode()
    published_at = second.published_at
    again = reviewer.post(url("publish", second), follow=True)
    assert [message.level_tag for message in again.context["messages"]] == ["error"]
    second.refresh_from_db()
    assert second.published_at == published_at
    assert client.get(url("publish", second)).status_code == 405


# The bulletin ------------------------------------------------------------------------------------------------


def test_the_bulletin_is_made_followed_downloaded_and_made_once_per_snapshot(
    client, race, django_capture_on_commit_callbacks
):
    second = race["second"]
    as_user(client, "wuyi-reviewer")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url("bulletin-request", second))
    job = BulletinJob.objects.filter(snapshot=second).get()
    assert response.status_code == 302
    assert response["Location"] == f"{page()}?snapshot={second.pk}&bulletin_job={job.pk}#bulletin"

    state = client.get(url("bulletin-job", second, bulletin_job=job.pk)).json()
    download = url("bulletin-download", second, bulletin=job.bulletin_id)
    assert (state["status"], state["progress"], state["download"]) == ("done", 100, download)
    pdf = client.get(download)
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    assert b"".join(pdf.streaming_content).startswith(b"%PDF")
    html = client.get(page(), {"snapshot": second.pk, "bulletin_job": job.pk}).content.decode()
    assert download in html and "data-job-url" not in html  # done: the file, no progress bar

    with django_capture_on_commit_callbacks(execute=True):
        client.post(url("bulletin-request", second))
    again = BulletinJob.objects.filter(snapshot=second).exclude(pk=job.pk).get()
    assert again.status == "done" and again.bulletin_id == job.bulletin_id
    assert BulletinFile.objects.filter(snapshot=second).count() == 1


def test_a_queued_bulletin_shows_a_progress_bar_and_foreign_ids_are_404(client, race):
    first, second = race["first"], race["second"]
    job = BulletinJob.objects.create(snapshot=second, requested_by=user("wuyi-reviewer"))
    as_user(client, "wuyi-reviewer")
    html = client.get(page(), {"snapshot": second.pk, "bulletin_job": job.pk}).content.decode()
    assert f'data-job-url="{url("bulletin-job", second, bulletin_job=job.pk)}"' in html
    state = client.get(url("bulletin-job", second, bulletin_job=job.pk)).json()
    assert (state["status"], state["progress"], state["download"]) == ("queued", 0, "")
    assert client.get(url("bulletin-job", first, bulletin_job=job.pk)).status_code == 404  # another snapshot's job
    as_user(client, "wuyi-provider")
    assert client.get(url("bulletin-job", second, bulletin_job=job.pk)).status_code == 403
    assert client.post(url("bulletin-request", second)).status_code == 403


# The provider's own view -------------------------------------------------------------------------------------


def test_the_provider_sees_published_periods_and_only_its_own_figures(client, race):
    first, second, own = race["first"], race["second"], race["own"]
    as_user(client, "wuyi-provider")
    before = client.get(page())
    assert before.status_code == 200 and before.context.get("snapshot") is None
    assert before.context["snapshots"] == [] and before.context["own_positions"] == []
    assert "horse-race-table" not in before.content.decode()

    published(second)
    response = client.get(page())
    html = response.content.decode()
    assert response.context["snapshot"] == second
    assert [item.pk for item in response.context["snapshots"]] == [second.pk]
    assert client.get(page(), {"snapshot": first.pk}).status_code == 404  # not published
    assert OWN in html and RIVAL not in html and IDLE not in html
    assert {entry.subject_id for group in response.context["groups"] for entry in group.ranked + group.unranked} == {
        own.pk
    }
    assert f"{second.entries.get(group='', subject_id=own.pk).score}" in html
    positions = list(response.context["own_positions"])
    assert positions and {entry.snapshot_id for entry in positions} == {second.pk}
    assert {entry.subject_id for entry in positions} == {own.pk}
    assert url("bulletin-request", second) not in html and url("publish", second) not in html

    rows = client.get(api(second)).json()
    assert {entry["provider"] for group in rows["groups"] for entry in group["entries"]} == {OWN}
    assert [item["id"] for item in client.get(api()).json()["results"]] == [second.pk]
    assert client.get(api(first)).status_code == 404


def test_the_provider_sees_everyone_when_the_scheme_publishes_details(client, race):
    second = race["second"]
    published(second)
    RankingSnapshot.objects.filter(pk=second.pk).update(scheme={**second.scheme, "publish_details": True})
    as_user(client, "wuyi-provider")
    html = client.get(page()).content.decode()
    assert OWN in html and RIVAL in html and IDLE in html
    names = {entry["provider"] for group in client.get(api(second)).json()["groups"] for entry in group["entries"]}
    assert names == {OWN, RIVAL, IDLE}


def test_roles_without_a_ranking_capability_are_refused(client, race):
    as_user(client, "wuyi-enterprise")
    assert client.get(page()).status_code == 403
    assert client.get(api()).status_code == 403
    assert client.get(api(race["second"])).status_code == 403


def test_a_user_of_another_program_gets_404_on_every_page_and_route(client, race):
    second = race["second"]
    job = BulletinJob.objects.create(snapshot=second, requested_by=user("wuyi-reviewer"))
    as_user(client, "yongkang-reviewer")
    for path in (
        page(),
        f"{page()}?snapshot={second.pk}",
        url("bulletin-job", second, bulletin_job=job.pk),
        url("bulletin-download", second, bulletin=1),
        api(),
        api(second),
    ):
        assert client.get(path).status_code == 404, path
    for path in (url("publish", second), url("bulletin-request", second)):
        assert client.post(path).status_code == 404, path
    second.refresh_from_db()
    assert second.status == "computed" and BulletinJob.objects.filter(snapshot=second).count() == 1


# The API ------------------------------------------------------------------------------------------------------


def test_the_api_lists_the_periods_and_gives_a_period_with_its_scheme_and_groups(client, race):
    first, second, own, idle = race["first"], race["second"], race["own"], race["idle"]
    as_user(client, "wuyi-auditor")
    listed = client.get(api()).json()
    assert listed["count"] == 2 and [item["id"] for item in listed["results"]] == [second.pk, first.pk]
    assert listed["results"][0]["period_start"] == "2024-07-22" and listed["results"][0]["status"] == "computed"

    body = client.get(api(second)).json()
    assert body["scheme"]["period"] == "biweekly" and body["scheme"]["bottom_periods"] == 1
    assert body["groups"][0]["code"] == ""  # overall first
    entries = {entry["provider_id"]: entry for entry in body["groups"][0]["entries"]}
    stored = second.entries.get(group="", subject_id=own.pk)
    assert entries[own.pk]["rank"] == 1 and entries[own.pk]["previous_rank"] == 2
    assert entries[own.pk]["score"] == f"{stored.score}" and entries[own.pk]["values"] == stored.values
    assert entries[own.pk]["normalised"] == stored.normalised and entries[own.pk]["provider"] == OWN
    assert entries[race["rival"].pk]["flagged"] is True and entries[own.pk]["flagged"] is False
    assert entries[idle.pk]["rank"] is None and entries[idle.pk]["score"] is None
    assert list(entries)[-1] == idle.pk  # the unranked after the ranked

    other = snapshot_of(Program.objects.get(slug="yongkang-2024"), "2024-07-20")
    assert client.get(api(other, slug=SLUG)).status_code == 404


def test_the_navigation_links_the_horse_race_by_capability(client):
    dashboard = reverse("dashboard:index", kwargs={"program": SLUG})
    assert page() in as_user(client, "wuyi-auditor").get(dashboard).content.decode()
    assert page() in as_user(client, "wuyi-provider").get(dashboard).content.decode()
    assert page() not in as_user(client, "wuyi-enterprise").get(dashboard).content.decode()


# Query counts ----------------------------------------------------------------------------------------------


# The reviewer's page also reads which other ranking pages the program has, for its navigation (one query).
@pytest.mark.parametrize(("who", "pinned"), [("wuyi-reviewer", 11), ("wuyi-provider", 11)])
def test_the_page_costs_the_same_queries_for_2_providers_as_for_10(client, who, pinned):
    program = Program.objects.get(slug=SLUG)
    selected_before(program)
    reviewer = user("wuyi-reviewer")
    own, rival = membership(program, OWN), membership(program, RIVAL)
    specs = [
        ProjectSpec("计数企业甲", "kitchenware", at("2024-06-10"), provider=own),
        ProjectSpec("计数企业乙", "power-tools", at("2024-06-10"), provider=rival),
    ]
    accepted_projects_create(program, specs, actor=reviewer)
    two = snapshot_of(program, "2024-07-20")
    for index in range(8):
        member = add_selected(program, f"计数服务商{index}有限公司", industry=("kitchenware", "hardware")[index % 2])
        specs = [ProjectSpec(f"计数企业{index}", "kitchenware", at("2024-08-10"), provider=member)]
        accepted_projects_create(program, specs, actor=reviewer)
    ten = snapshot_of(program, "2024-09-20")
    assert two.entries.filter(group="", rank__isnull=False).count() == 2
    assert ten.entries.filter(group="", rank__isnull=False).count() == 10
    for snapshot in (two, ten):
        published(snapshot)
        RankingSnapshot.objects.filter(pk=snapshot.pk).update(scheme={**snapshot.scheme, "publish_details": True})
    as_user(client, who)
    count(client, f"{page()}?snapshot={two.pk}")
    small, _queries = count(client, f"{page()}?snapshot={two.pk}")
    large, queries = count(client, f"{page()}?snapshot={ten.pk}")
    sql = "\n".join(query["sql"] for query in queries.captured_queries)
    assert small == large, f"{small} queries for 2 providers, {large} for 10\n{sql}"
    assert large == pinned, sql
