"""Implementation pages (lifecycle step 4): who may post, answer, rate, complain and decide; evidence served
only to readers of the project; the overdue flag on the filings list and the dashboard; and nothing of one
program reachable from another."""

import re
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from demo.activity import demo_png
from enterprises.models import EnterpriseProfile
from filings.models import Application, Status
from implementation.models import (
    Complaint,
    ComplaintStatus,
    Milestone,
    MilestoneTemplate,
    PostStatus,
    ProgressEvidence,
    ProgressPost,
    ProviderRating,
)
from implementation.selectors import overdue_count
from implementation.services import milestones_create, progress_post
from organisations.models import OrganisationKind
from portal.core.roles import Role
from programs.models import Program
from providers.models import PoolMembership
from tests.factories import OrganisationFactory, PoolMembershipFactory, user_with_role
from tests.support.people import access_in, demo_user

pytestmark = pytest.mark.django_db
SLUG = "wuyi-2024"
PNG = demo_png()  # a real image: uploads are decoded


access_of = access_in(SLUG)


def make_project(*, deadline_days=120, number="IMPL-TEST-0001", title="实施测试项目"):
    """An approved Wuyi project implemented by the demo provider's organisation, with its milestones."""
    program = Program.objects.get(slug=SLUG)
    provider, enterprise = demo_user(Role.PROVIDER), demo_user(Role.ENTERPRISE)
    today = timezone.localdate()
    application = Application.objects.create(
        program=program,
        enterprise=EnterpriseProfile.objects.get(program=program, organisation=enterprise.organisation),
        provider=PoolMembership.objects.get(program=program, organisation=provider.organisation),
        track="lightweight",
        title=title,
        status=Status.APPROVED,
        filing_number=number,
        submitted_at=timezone.now() - timedelta(days=30),
        decided_at=timezone.now() - timedelta(days=20),
        implementation_deadline=today + timedelta(days=deadline_days),
        created_by=enterprise,
    )
    milestones_create(application=application, approved_on=today, acting_user=demo_user(Role.BUREAU_REVIEWER))
    return application


@pytest.fixture
def project():
    return make_project()


def url(name, application, **kwargs):
    return reverse(f"implementation:{name}", kwargs={"program": SLUG, "application": application.pk, **kwargs})


def first_milestone(application):
    return application.milestones.filter(is_active=True).order_by("number").first()


def png(name="现场照片.png", content=PNG):
    return SimpleUploadedFile(name, content, content_type="image/png")


def messages_of(response):
    return [str(message) for message in response.context["messages"]] if response.context else []


def post_update(client, application, *, percent=40, files=(), **extra):
    data = {"milestone": first_milestone(application).pk, "percent": percent, "text": "完成设备安装调试", **extra}
    if files:
        data["files"] = list(files)
    return client.post(url("post", application), data, follow=True)


# 1. Only the implementing provider posts; evidence is stored after the content check and served to readers.


def test_only_the_implementing_provider_posts(client, project):
    client.force_login(demo_user(Role.ENTERPRISE))
    assert client.post(url("post", project), {"percent": 10, "text": "x"}).status_code == 403

    program = Program.objects.get(slug=SLUG)
    other = PoolMembershipFactory(program=program, organisation=OrganisationFactory(kind=OrganisationKind.PROVIDER))
    client.force_login(user_with_role(program, Role.PROVIDER, organisation=other.organisation))
    refused = client.post(url("post", project), {"milestone": first_milestone(project).pk, "percent": 10, "text": "x"})
    assert refused.status_code in (403, 404)
    assert client.get(url("progress", project)).status_code == 404
    assert not ProgressPost.objects.filter(application=project).exists()

    client.force_login(demo_user(Role.PROVIDER))
    page = client.get(url("progress", project))
    assert page.status_code == 200
    assert 'name="files" multiple' in page.content.decode()
    response = post_update(client, project, files=[png()])
    assert response.redirect_chain[-1][0] == url("progress", project)
    post = ProgressPost.objects.get(application=project)
    assert (post.percent, post.status, post.posted_by) == (40, PostStatus.PENDING, demo_user(Role.PROVIDER))
    evidence = post.evidence.get()
    assert evidence.content_type == "image/png" and evidence.original_name == "现场照片.png"
    evidence_url = url("evidence", project, post=post.pk, evidence=evidence.pk)
    assert f'<img src="{evidence_url}"' in response.content.decode()

    client.force_login(demo_user(Role.ENTERPRISE))
    served = client.get(evidence_url)
    assert served.status_code == 200
    assert b"".join(served.streaming_content).startswith(b"\x89PNG\r\n\x1a\n")
    assert served["Content-Disposition"].startswith("inline")
    assert served["X-Content-Type-Options"] == "nosniff"


def test_a_fake_png_stores_nothing(client, project):
    client.force_login(demo_user(Role.PROVIDER))
    response = post_update(client, project, files=[png(), png("假照片.png", b"GIF89a" + b"\x00" * 40)])
    assert response.status_code == 200
    assert any("假照片.png" in message for message in messages_of(response))
    assert not ProgressPost.objects.filter(application=project).exists()
    assert not ProgressEvidence.objects.filter(post__application=project).exists()


def test_an_unreadable_post_is_refused_with_a_message(client, project):
    client.force_login(demo_user(Role.PROVIDER))
    response = post_update(client, project, percent=140)
    assert response.status_code == 200 and messages_of(response)
    assert not ProgressPost.objects.filter(application=project).exists()


# 2. Only the enterprise answers; a confirmation moves the milestone; a dispute needs reasons.


def test_only_the_enterprise_confirms_and_a_dispute_needs_a_response(client, project):
    milestone = first_milestone(project)
    post = progress_post(
        access=access_of(demo_user(Role.PROVIDER)), application=project, milestone=milestone, percent=60, text="上线"
    )
    respond = url("respond", project, post=post.pk)

    for role in (Role.PROVIDER, Role.BUREAU_REVIEWER):
        client.force_login(demo_user(role))
        assert client.post(respond, {"decision": "confirm"}).status_code == 403
    post.refresh_from_db()
    assert post.status == PostStatus.PENDING

    client.force_login(demo_user(Role.ENTERPRISE))
    page = client.get(url("progress", project)).content.decode()
    assert f'action="{respond}"' in page
    disputed = client.post(respond, {"decision": "dispute", "response": "  "}, follow=True)
    assert messages_of(disputed)
    post.refresh_from_db()
    assert post.status == PostStatus.PENDING

    client.post(respond, {"decision": "confirm"})
    post.refresh_from_db()
    milestone.refresh_from_db()
    assert post.status == PostStatus.CONFIRMED and post.responded_by == demo_user(Role.ENTERPRISE)
    assert milestone.percent == 60
    page = client.get(url("progress", project))
    assert page.context["percent"] > 0
    assert f'action="{respond}"' not in page.content.decode()

    second = progress_post(
        access=access_of(demo_user(Role.PROVIDER)), application=project, milestone=milestone, percent=80, text="再报"
    )
    client.post(url("respond", project, post=second.pk), {"decision": "dispute", "response": "现场未完成"})
    second.refresh_from_db()
    milestone.refresh_from_db()
    assert (second.status, second.response, milestone.percent) == (PostStatus.DISPUTED, "现场未完成", 60)


def test_completion_then_one_rating(client, project):
    provider = access_of(demo_user(Role.PROVIDER))
    client.force_login(demo_user(Role.ENTERPRISE))
    milestones = list(project.milestones.filter(is_active=True).order_by("number"))
    for index, milestone in enumerate(milestones):
        last = index == len(milestones) - 1
        post = progress_post(
            access=provider, application=project, milestone=milestone, percent=100, text="完成", claims_completion=last
        )
        client.post(url("respond", project, post=post.pk), {"decision": "confirm"})
    project.refresh_from_db()
    assert project.completed_at is not None

    client.force_login(demo_user(Role.PROVIDER))
    assert client.post(url("rate", project), {"score": 5}).status_code == 403
    client.force_login(demo_user(Role.ENTERPRISE))
    assert 'name="score"' in client.get(url("progress", project)).content.decode()
    client.post(url("rate", project), {"score": 4, "comment": "响应及时"})
    again = client.post(url("rate", project), {"score": 1}, follow=True)
    assert messages_of(again)
    rating = ProviderRating.objects.get(application=project)
    assert (rating.score, rating.comment) == (4, "响应及时")
    assert "4/5" in again.content.decode()


# 3. Users of another program see nothing of the project.


def test_another_programs_users_get_404(client, project):
    post = progress_post(
        access=access_of(demo_user(Role.PROVIDER)),
        application=project,
        milestone=first_milestone(project),
        percent=10,
        text="开工",
        uploads=[png()],
    )
    evidence = post.evidence.get()
    other_program = Program.objects.get(slug="yongkang-2024")
    outsiders = [
        demo_user(Role.PROVIDER, "yongkang-2024"),  # the same provider organisation, but a role in another program
        user_with_role(other_program, Role.BUREAU_ADMIN),
        user_with_role(other_program, Role.ENTERPRISE, organisation=demo_user(Role.ENTERPRISE).organisation),
    ]
    paths = [
        url("progress", project),
        url("evidence", project, post=post.pk, evidence=evidence.pk),
        url("milestone-edit", project, milestone=first_milestone(project).pk),
    ]
    for user in outsiders:
        client.force_login(user)
        for path in paths:
            assert client.get(path).status_code == 404, (user, path)
        assert client.post(url("post", project), {"percent": 50, "text": "x"}).status_code == 404
    assert ProgressPost.objects.filter(application=project).count() == 1


# 4. Overdue: approved, past the deadline and not complete.


def row_of(html, marker):
    return next(row for row in re.split(r"<tr[ >]", html) if marker in row)


def test_overdue_badge_on_the_list_and_count_on_the_dashboard(client):
    program = Program.objects.get(slug=SLUG)
    before = overdue_count(program=program)
    late = make_project(deadline_days=-1, number="IMPL-LATE-0001", title="逾期测试项目")
    on_time = make_project(number="IMPL-ONTIME-0001", title="按期测试项目")
    assert late.is_overdue and not on_time.is_overdue
    assert overdue_count(program=program) == before + 1

    client.force_login(demo_user(Role.BUREAU_REVIEWER))
    listing = client.get(reverse("filings:list", kwargs={"program": SLUG}), {"search": "IMPL-"}).content.decode()
    assert "badge-overdue" in row_of(listing, "IMPL-LATE-0001")
    assert "badge-overdue" not in row_of(listing, "IMPL-ONTIME-0001")
    only_late = client.get(reverse("filings:list", kwargs={"program": SLUG}), {"overdue": "1"})
    numbers = {row.filing_number for row in only_late.context["page"].object_list}
    assert "IMPL-LATE-0001" in numbers and "IMPL-ONTIME-0001" not in numbers

    dashboard = client.get(reverse("dashboard:index", kwargs={"program": SLUG}))
    assert dashboard.context["overdue_count"] == before + 1
    assert "?overdue=1" in dashboard.content.decode()
    progress = client.get(url("progress", late))
    assert "badge-overdue" in progress.content.decode()
    detail = client.get(reverse("filings:detail", kwargs={"program": SLUG, "application": late.pk}))
    assert url("progress", late) in detail.content.decode() and "badge-overdue" in detail.content.decode()

    Application.objects.filter(pk=late.pk).update(completed_at=timezone.now())
    dashboard = client.get(reverse("dashboard:index", kwargs={"program": SLUG}))
    assert dashboard.context["overdue_count"] == before


def test_an_enterprise_counts_only_its_own_overdue_projects(client):
    program = Program.objects.get(slug=SLUG)
    make_project(deadline_days=-5, number="IMPL-LATE-0002")
    stranger = Application.objects.create(
        program=program,
        enterprise=EnterpriseProfile.objects.filter(program=program)
        .exclude(organisation=demo_user(Role.ENTERPRISE).organisation)
        .first(),
        track="lightweight",
        title="别家逾期项目",
        status=Status.APPROVED,
        submitted_at=timezone.now(),
        implementation_deadline=timezone.localdate() - timedelta(days=5),
        created_by=demo_user(Role.BUREAU_REVIEWER),
    )
    assert stranger.is_overdue
    enterprise = access_of(demo_user(Role.ENTERPRISE))
    own = Application.objects.filter(
        program=program,
        enterprise__organisation=enterprise.user.organisation,
        status=Status.APPROVED,
        implementation_deadline__lt=timezone.localdate(),
        completed_at__isnull=True,
    ).count()
    client.force_login(demo_user(Role.ENTERPRISE))
    dashboard = client.get(reverse("dashboard:index", kwargs={"program": SLUG}))
    assert dashboard.context["overdue_count"] == own < overdue_count(program=program)


# 5. Complaints: the enterprise files, the bureau decides with its reasons.


def test_complaint_filed_then_confirmed_with_a_note(client, project):
    client.force_login(demo_user(Role.PROVIDER))
    assert client.post(url("complain", project), {"text": "x"}).status_code == 403
    client.force_login(demo_user(Role.ENTERPRISE))
    client.post(url("complain", project), {"text": "服务商多次未按约定到场"})
    complaint = Complaint.objects.get(application=project)
    assert complaint.status == ComplaintStatus.OPEN and complaint.filed_by == demo_user(Role.ENTERPRISE)
    decide = reverse("implementation:complaint-decide", kwargs={"program": SLUG, "complaint": complaint.pk})
    assert client.post(decide, {"decision": "dismiss", "note": "无"}).status_code == 403

    client.force_login(demo_user(Role.BUREAU_REVIEWER))
    listing = client.get(reverse("implementation:complaints", kwargs={"program": SLUG}), {"status": "open"})
    assert complaint in listing.context["page"].object_list
    assert f'action="{decide}"' in listing.content.decode()
    refused = client.post(decide, {"decision": "confirm", "note": " "}, follow=True)
    assert messages_of(refused)
    complaint.refresh_from_db()
    assert complaint.status == ComplaintStatus.OPEN

    client.post(decide, {"decision": "confirm", "note": "经核实，服务商三次缺席"})
    complaint.refresh_from_db()
    assert complaint.status == ComplaintStatus.CONFIRMED
    assert complaint.decision_note == "经核实，服务商三次缺席"
    assert complaint.decided_by == demo_user(Role.BUREAU_REVIEWER)
    again = client.post(decide, {"decision": "dismiss", "note": "改判"}, follow=True)
    assert messages_of(again)
    complaint.refresh_from_db()
    assert complaint.status == ComplaintStatus.CONFIRMED

    client.force_login(demo_user(Role.ENTERPRISE))
    page = client.get(url("progress", project)).content.decode()
    assert "经核实，服务商三次缺席" in page


# The bureau's milestone changes and the program's milestone templates.


def test_the_bureau_reschedules_and_adds_milestones(client, project):
    milestone = first_milestone(project)
    edit = url("milestone-edit", project, milestone=milestone.pk)
    client.force_login(demo_user(Role.PROVIDER))
    assert client.get(edit).status_code == 403

    client.force_login(demo_user(Role.BUREAU_REVIEWER))
    assert client.get(edit).status_code == 200
    new_due = timezone.localdate() + timedelta(days=200)
    response = client.post(edit, {"name": "需求调研（延期）", "due_on": new_due.isoformat(), "reason": ""})
    assert response.status_code == 200 and response.context["form"].errors
    client.post(edit, {"name": "需求调研（延期）", "due_on": new_due.isoformat(), "reason": "企业停产检修"})
    milestone.refresh_from_db()
    assert (milestone.name, milestone.due_on) == ("需求调研（延期）", new_due)
    assert milestone.history.first().history_change_reason == "企业停产检修"

    count = project.milestones.count()
    client.post(url("milestone-new", project), {"name": "补充培训", "due_on": new_due.isoformat(), "reason": "追加"})
    added = Milestone.objects.get(application=project, name="补充培训")
    assert added.number == count + 1


def test_milestone_templates_page(client):
    program = Program.objects.get(slug=SLUG)
    template = MilestoneTemplate.objects.create(
        program=program, track="lightweight", number=99, name="模板测试", due_days=7
    )
    client.force_login(demo_user(Role.ENTERPRISE))
    page = client.get(reverse("implementation:milestone-templates", kwargs={"program": SLUG})).content.decode()
    assert "模板测试" in page and "config/milestone/" not in page

    client.force_login(demo_user(Role.BUREAU_ADMIN))
    page = client.get(reverse("implementation:milestone-templates", kwargs={"program": SLUG})).content.decode()
    edit = reverse("dashboard:config-edit", kwargs={"program": SLUG, "kind": "milestone", "pk": template.pk})
    assert edit in page
    form = client.get(edit).context["form"]
    assert "lightweight" in dict(form.fields["track"].choices)
    assert "change_reason" in form.fields


def test_the_admin_creates_a_milestone_template(client):
    client.force_login(demo_user(Role.BUREAU_ADMIN))
    client.post(
        reverse("dashboard:config-new", kwargs={"program": SLUG, "kind": "milestone"}),
        {"track": "lightweight", "number": 98, "name": "新增模板", "due_days": 30, "change_reason": "补充"},
    )
    assert MilestoneTemplate.objects.filter(program__slug=SLUG, name="新增模板").exists()


# Every implementation route, filled with program A's objects, refuses program B's users and outsiders.


def urlparams_path(model):
    return {
        MilestoneTemplate: "program",
        ProgressEvidence: "post__application__program",
    }.get(model, "application__program")


def test_implementation_routes_keep_programs_apart(client, tenant_pair):
    from tests.security.test_isolation_walker import fill, fillings, judge, walk
    from tests.support.history import history_rows

    pair = tenant_pair  # program A holds milestones, an update with a photo, a complaint and a milestone template
    Application.objects.filter(pk=pair["application"].pk).update(
        status=Status.APPROVED, implementation_deadline=timezone.localdate() - timedelta(days=1)
    )
    for model in (MilestoneTemplate, Milestone, ProgressPost, ProgressEvidence, Complaint):
        assert model.objects.filter(**{urlparams_path(model): pair["a"]}).exists(), model
    markers = pair["markers"]

    actors = [*pair["users_b"].values(), pair["nobody"], None]
    before = history_rows()
    failures, routes = [], 0
    for route, name, _pattern in walk():
        if not name.startswith("implementation:") and name not in {"dashboard:config-edit", "dashboard:history"}:
            continue
        routes += 1
        for values in fillings(route, name, pair):
            if name.startswith("programs:") and values.get("kind", values.get("model")) not in (
                "milestone",
                "milestonetemplate",
            ):
                continue
            path = fill(route, values)
            for actor in actors:
                client.logout()
                if actor is not None:
                    client.force_login(actor)
                for method in ("get", "post"):
                    problem = judge(getattr(client, method)(path), bool(values), markers)
                    if problem:
                        failures.append(f"{method.upper()} {path} as {actor}: {problem}")
    assert routes >= 13
    assert not failures, "\n".join(failures[:20])
    assert history_rows() == before


def test_the_provider_page_shows_its_standing_from_implementation(client):
    """The provider page (providers) shows the standing implementation computes, through implementation's tag."""
    from implementation.selectors import provider_standing

    membership = (
        PoolMembership.objects.filter(program__slug=SLUG, applications__status=Status.APPROVED)
        .distinct()
        .order_by("pk")
        .first()
    )
    standing = provider_standing(membership)
    assert standing.projects > 0  # the demo's provider has approved projects
    client.force_login(demo_user(Role.BUREAU_REVIEWER))

    page = client.get(reverse("providers:detail", kwargs={"program": SLUG, "provider": membership.pk}))

    html = page.content.decode()
    block = html[html.index('class="tiles standing"') :].split("</div>\n  </div>")[0]
    values = re.findall(r'<span class="tile-value">\s*([^<]*?)\s*</span>', block)
    assert values[:4] == [
        str(standing.projects),
        str(standing.in_implementation),
        str(standing.completed),
        str(standing.overdue),
    ]
