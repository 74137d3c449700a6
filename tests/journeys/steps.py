"""Steps a program year takes in every journey, through the REST API: providers signing up and being admitted, a
selection round, enterprises signing up and being approved, a filing from draft to approval, implementation
milestone by milestone, the acceptance flow, a calculation run from creation to payment, and the Excel ledger.

Each step asserts the status of the requests it makes and returns what the journey then checks; what a program
does its own way (its sheet, its tracks, its levels, its figures) comes in as an argument.
"""

import io
from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation
from django.utils.translation import gettext
from openpyxl import load_workbook

from demo.activity import demo_png
from portal.core.roles import Role
from tests.journeys.conftest import PASSWORD, Actor, at, credit_code, public_post

D = Decimal
PDF = b"%PDF-1.4\n% contract\n%%EOF\n"
PNG = demo_png()  # a real image: uploads are decoded


def money(value) -> Decimal:
    return D(str(value))


def rows_of(data):
    """The rows of a list response, paginated or not."""
    return data["results"] if isinstance(data, dict) else data


def scored(items, share) -> dict:
    """Every item of a sheet (bonus items too) at `share` of its maximum."""
    return {str(item["id"]): str((money(item["max_points"]) * share).quantize(D("0.01"))) for item in items}


def contract_pdf(name="合同.pdf"):
    return SimpleUploadedFile(name, PDF, content_type="application/pdf")


def photo(name="现场.png"):
    return SimpleUploadedFile(name, PNG, content_type="image/png")


# --- roles ---------------------------------------------------------------------------------------------------


def roles_granted(admin, *, people) -> dict:
    """The bureau admin gives each login of `people` ({role: [user, …]}) its role; the user ids by username."""
    ids = {}
    for role, users in people.items():
        for user in users:
            granted = admin.post("member-list", {"username": user.username, "role": role})
            assert (granted["username"], granted["role"]) == (user.username, role)
            ids[user.username] = granted["user"]
    return ids


# --- providers -----------------------------------------------------------------------------------------------


def providers_admitted(reviewer, *, program, specs, prefix8, phone, local_support_staff, qualifications) -> dict:
    """The providers of `specs` ({key: (username, name, industries, serial)}) register on the public endpoint,
    hold no role until the bureau admits them, and are admitted to the resource pool. Per key: its actor, name,
    pool id and industries."""
    for username, name, industries, serial in specs.values():
        signed = public_post(
            "provider-signup",
            {
                "username": username,
                "display_name": f"{name}·申报人",
                "phone": phone,
                "password": PASSWORD,
                "uscc": credit_code(serial, prefix8),
                "name": name,
                "industries": industries,
                "local_support_staff": local_support_staff,
                "qualifications": qualifications,
            },
            program=program,
        )
        assert (signed["status"], signed["organisation"], signed["industries"]) == ("pending", name, industries)
        # No role yet: the program is not theirs.
        assert Actor(username, program).call("get", "program-detail", expect=404)
    pending = reviewer.get("provider-signup-list")["results"]
    assert sorted(row["username"] for row in pending) == sorted(spec[0] for spec in specs.values())
    for row in pending:
        decided = reviewer.post(
            "provider-signup-decision", {"decision": "approve"}, expect=200, provider_signup=row["id"]
        )
        assert decided["status"] == "approved"
    actors = {key: Actor(username, program) for key, (username, *_rest) in specs.items()}
    for actor in actors.values():
        assert actor.get("program-detail")["roles"] == [Role.PROVIDER]
    pool = {row["organisation"]: row for row in reviewer.get("provider-list")["results"]}
    assert {row["status"] for row in pool.values()} == {"pool"}
    return {
        key: {"actor": actors[key], "name": name, "id": pool[name]["id"], "industries": industries}
        for key, (_username, name, industries, _serial) in specs.items()
    }


# --- the selection round -------------------------------------------------------------------------------------


def selection_round(
    clock, reviewer, *, program, ids, providers, round_fields, days, shares, application, score
) -> dict:
    """A round of `round_fields` (title, industries, window, places, template) with the committee of `shares`
    ({username: share of each item's maximum}) seated; every provider applies with `application`; each member
    scores each entry; confirmed, every provider first of its industries at `score`, and published. `days` are
    the round's four days: created and opened, applications, scoring, publication. Returns the round's id, the
    sheet read once it opened, and the confirmed ranking by industry."""
    created_on, applied_on, scoring_on, published_on = days
    clock.move_to(at(created_on))
    created = reviewer.post("selection-round-list", round_fields)
    round_id = created["id"]
    assert created["status"] == "draft"
    members = list(shares)
    for username in members:
        seat = reviewer.post("selection-round-seat", {"member": ids[username], "capacity": "行业协会"}, round=round_id)
        assert seat["member"] == ids[username]
    opened = reviewer.post("selection-round-advance", {"expected_status": "draft"}, expect=200, round=round_id)
    assert opened["status"] == "open"
    sheet = reviewer.get("selection-round-detail", round=round_id)["sheet"]

    clock.move_to(at(applied_on))
    entries = {}
    for key, provider in providers.items():
        applied = provider["actor"].post(
            "selection-round-apply", {"industries": provider["industries"], **application}, round=round_id
        )
        entries[key] = applied["id"]

    clock.move_to(at(scoring_on))
    started = reviewer.post("selection-round-advance", {"expected_status": "open"}, expect=200, round=round_id)
    assert (started["status"], started["applicant_count"], started["seat_count"]) == (
        "scoring",
        len(providers),
        len(members),
    )
    for username in members:
        member = Actor(username, program)
        detail = member.get("selection-round-detail", round=round_id)
        items = [item for section in detail["sheet"] for item in section["items"]]
        for entry in entries.values():
            submitted = member.put(
                "selection-round-sheet",
                {"scores": scored(items, shares[username]), "submit": True},
                round=round_id,
                entry=entry,
            )
            assert submitted["status"] == "submitted"

    assert reviewer.post("selection-round-confirm", {}, expect=200, round=round_id)["status"] == "confirmed"
    ranking = {
        table["industry"]: table["rows"] for table in reviewer.get("selection-round-detail", round=round_id)["ranking"]
    }
    for provider in providers.values():
        for industry in provider["industries"]:
            (row,) = ranking[industry]
            assert (row["provider"], row["rank"], money(row["score"]), row["proposed"]) == (
                provider["name"],
                1,
                score,
                True,
            )

    clock.move_to(at(published_on))
    published = reviewer.post(
        "selection-round-publish", {"published_on": published_on.isoformat()}, expect=200, round=round_id
    )
    assert published["status"] == "published"
    for provider in providers.values():
        for industry in provider["industries"]:
            pickable = reviewer.get("provider-list", query={"pickable_for": industry})["results"]
            assert [row["id"] for row in pickable] == [provider["id"]]
    return {"id": round_id, "sheet": sheet, "ranking": ranking}


# --- enterprises ---------------------------------------------------------------------------------------------


def enterprises_approved(clock, reviewer, *, program, enterprises, phone, signed_on, decided_on) -> dict:
    """The enterprises of `enterprises` ({key: the sign-up's username, name, uscc, township, industry, scale,
    output_band and flags}) register on `signed_on`; a reviewer approves every request on `decided_on`; each
    holds the enterprise role. Per key: its actor."""
    clock.move_to(at(signed_on))
    for fields in enterprises.values():
        signed = public_post(
            "signup",
            {
                "display_name": f"{fields['name']}·联系人",
                "phone": phone,
                "password": PASSWORD,
                "digital_level_before": 1,
                **fields,
            },
            program=program,
        )
        assert (signed["status"], signed["industry"], signed["township"]) == (
            "pending",
            fields["industry"],
            fields["township"],
        )
    clock.move_to(at(decided_on))
    for row in reviewer.get("signup-list")["results"]:
        decided = reviewer.post("signup-decision", {"decision": "approve"}, expect=200, signup=row["id"])
        assert decided["status"] == "approved"
    actors = {key: Actor(fields["username"], program) for key, fields in enterprises.items()}
    for actor in actors.values():
        assert actor.get("program-detail")["roles"] == [Role.ENTERPRISE]
    return actors


# --- filings -------------------------------------------------------------------------------------------------


def filing_body(*, title, track, provider, lines, contract, subject, **overrides) -> dict:
    """A filing on `track` with `provider`, the contract terms of `contract` for `subject`, budgeted at the sum of
    its `lines`."""
    budget = sum((money(item["amount"]) for item in lines), D("0.00"))
    return {
        "title": title,
        "track": track,
        "provider": provider,
        "contract_subject": subject,
        "contract_budget": str(budget),
        **contract,
        "lines": lines,
        **overrides,
    }


def draft(enterprise, body) -> int:
    drafted = enterprise.post("application-list", body)
    assert drafted["status"] == "draft"
    return drafted["id"]


def attach_contract(enterprise, application_id) -> dict:
    """The signed contract, uploaded to the filing."""
    attached = enterprise.post(
        "application-attachments",
        {"file": contract_pdf(), "kind": "contract"},
        format="multipart",
        application=application_id,
    )
    assert attached["kind"] == "contract"
    return attached


def draft_with_contract(enterprise, body) -> int:
    application_id = draft(enterprise, body)
    attach_contract(enterprise, application_id)
    return application_id


def refused_fields(actor, application_id, action="submit") -> dict:
    """The fields named by the refusal of `action` on the filing."""
    response = actor.call(
        "post", "application-transition", expect=400, data={"action": action}, application=application_id
    )
    return response.json()["error"]["fields"]


def submit(enterprise, application_id, action="submit") -> dict:
    submitted = enterprise.post("application-transition", {"action": action}, expect=200, application=application_id)
    assert submitted["status"] == {"submit": "submitted", "resubmit": "resubmitted"}[action]
    return submitted


def provider_accepts(provider, application_id, *, status="submitted") -> dict:
    """The provider accepts the filing (two-way selection); the filing stays `status`."""
    answered = provider.post(
        "application-provider-response",
        {"decision": "accept", "comment": "同意承接"},
        expect=200,
        application=application_id,
    )
    assert answered["status"] == status
    return answered


def approve(reviewer, provider, application_id, *, expected="submitted") -> dict:
    """No approval before the provider accepted; the provider accepts and the reviewer approves."""
    refused = reviewer.call(
        "post",
        "application-transition",
        expect=400,
        data={"action": "approve", "expected_status": expected},
        application=application_id,
    ).json()
    assert "provider" in refused["error"]["fields"], refused
    provider_accepts(provider, application_id, status=expected)
    return approved_by(reviewer, application_id, expected=expected)


def approved_by(reviewer, application_id, *, expected) -> dict:
    approved = reviewer.post(
        "application-transition",
        {"action": "approve", "expected_status": expected},
        expect=200,
        application=application_id,
    )
    assert approved["status"] == "approved" and approved["filing_number"]
    return approved


def returned_revised_approved(
    clock, reviewer, second_reviewer, *, enterprise, provider, application_id, comment, revised, days
) -> dict:
    """A submitted filing the provider accepted is returned with `comment`, revised to `revised` and resubmitted,
    accepted again and approved by the second reviewer. `days`: returned, revised, approved (None: the same day).
    Returns the approval."""
    returned_on, revised_on, approved_on = days
    provider_accepts(provider, application_id)
    if returned_on:
        clock.move_to(at(returned_on))
    returned = reviewer.post(
        "application-transition", {"action": "return", "comment": comment}, expect=200, application=application_id
    )
    assert returned["status"] == "returned"
    clock.move_to(at(revised_on))
    assert enterprise.put("application-detail", revised, application=application_id)["status"] == "returned"
    submit(enterprise, application_id, action="resubmit")
    clock.move_to(at(approved_on))
    provider_accepts(provider, application_id, status="resubmitted")
    approved = approved_by(second_reviewer, application_id, expected="resubmitted")
    steps = [step["action"] for step in reviewer.get("application-detail", application=application_id)["transitions"]]
    assert [s for s in steps if not s.startswith("provider_")] == ["submit", "return", "resubmit", "approve"]
    return approved


# --- implementation ------------------------------------------------------------------------------------------


def implemented(clock, *, providers, enterprises, projects, keys, completion, rating=None) -> dict:
    """For each project of `keys`, on its `completion` day: the provider reports each milestone with a photo, the
    last claiming completion; the enterprise confirms each, then rates its provider with `rating` when given.
    Per key: the milestones reported."""
    reported = {}
    for key in keys:
        project = projects[key]
        clock.move_to(at(completion[key]))
        provider = providers[project["provider"]]["actor"]
        enterprise = enterprises[key]
        milestones = provider.get("application-progress", application=project["id"])["milestones"]
        assert milestones, "the track's milestone templates were copied at approval"
        for index, milestone in enumerate(milestones):
            post = provider.post(
                "application-progress",
                {
                    "milestone": milestone["id"],
                    "percent": 100,
                    "text": f"{milestone['name']}：已完成",
                    "claims_completion": "true" if index == len(milestones) - 1 else "false",
                    "files": [photo(f"{key}-{index}.png")],
                },
                format="multipart",
                application=project["id"],
            )
            assert len(post["evidence"]) == 1
            enterprise.post(
                "application-progress-response",
                {"decision": "confirm", "response": "确认"},
                expect=200,
                application=project["id"],
                post=post["id"],
            )
        progress = enterprise.get("application-progress", application=project["id"])
        assert (money(progress["percent"]), progress["completed_at"] is not None) == (D("100.00"), True)
        if rating:
            enterprise.post("application-rating", rating, application=project["id"])
        reported[key] = milestones
    return reported


# --- acceptance ----------------------------------------------------------------------------------------------


def acceptance_audited(
    reviewer, *, program, enterprise, provider, application_id, deliverables, amounts, experts, ids, auditor, conclusion
) -> dict:
    """The enterprise requests acceptance with the `amounts` it claims, the provider co-signs, the reviewer seats
    the panel of `experts` ({username: share of each item's maximum}) and the financial `auditor`; each expert
    submits a sheet and the auditor audits `amounts`. Returns the review's id, the rubric's items and the sheets
    by expert."""
    requested = enterprise.post(
        "acceptance-request", {"deliverables": deliverables, "amounts": amounts}, application=application_id
    )
    review = requested["id"]
    cosigned = provider.post("acceptance-cosign", {}, expect=200, review=review)
    assert cosigned["cosigned_at"]
    panel = reviewer.post(
        "acceptance-panel",
        {"experts": [ids[name] for name in experts], "financial_auditor": ids[auditor]},
        expect=200,
        review=review,
    )
    items = [item for section in panel["rubric"] for item in section["items"]]
    sheets = {}
    for username, share in experts.items():
        sheet = Actor(username, program).put(
            "acceptance-sheet", {"scores": scored(items, share), "submit": True}, review=review
        )
        assert sheet["status"] == "submitted"
        sheets[username] = sheet
    Actor(auditor, program).post("acceptance-audit", {**amounts, "conclusion": conclusion}, review=review)
    return {"review": review, "items": items, "sheets": sheets}


def acceptance_closed(reviewer, review, *, score) -> dict:
    """The review closed: passed at `score`."""
    closed = reviewer.post("acceptance-close", {}, expect=200, review=review)
    assert (money(closed["result"]["score"]), closed["result"]["passed"]) == (score, True)
    return closed


def acceptance_announced(reviewer, review, *, starts_on) -> dict:
    announced = reviewer.post("acceptance-announce", {"starts_on": starts_on}, expect=200, review=review)
    assert announced["status"] == "announcing"
    return announced


def announcements_concluded(reviewer, *, count) -> None:
    """Every announcement whose seven working days are over is concluded: `count` of them."""
    assert reviewer.post("announcement-conclude", {}, expect=200) == {"concluded": count}


# --- calculation runs ----------------------------------------------------------------------------------------


def run_calculated(reviewer, *, title, committed) -> tuple[int, dict]:
    """A run created and calculated (the task runs when the request's transaction commits): its id and detail."""
    run = reviewer.post("run-list", {"title": title})["id"]
    with committed(execute=True):
        reviewer.post("run-calculate", {}, expect=200, run=run)
    detail = reviewer.get("run-detail", run=run)
    assert detail["job_status"] == "done", detail
    return run, detail


def run_lines(reviewer, run) -> dict:
    """The run's lines by application."""
    return {row["application"]: row for row in rows_of(reviewer.get("run-lines", run=run, query={"page_size": 200}))}


def run_approved(reviewer, second_reviewer, run) -> dict:
    """Reviewed by its creator, who may not approve it; approved by the second reviewer."""
    reviewer.post("run-review", {"comment": "已复核"}, expect=200, run=run)
    reviewer.call("post", "run-approve", expect=403, data={"comment": ""}, run=run)
    approved = second_reviewer.post("run-approve", {"comment": "同意拨付"}, expect=200, run=run)
    assert approved["status"] == "approved"
    return approved


def run_paid(second_reviewer, run, *, paid_on, voucher) -> dict:
    paid = second_reviewer.post("run-pay-remaining", {"paid_on": paid_on, "voucher": voucher}, expect=200, run=run)
    assert paid["status"] == "paid"
    return paid


# --- the ledger ----------------------------------------------------------------------------------------------


def ledger_read(finance, *, columns, route="ledger", **kwargs) -> tuple[dict, list, tuple]:
    """The Excel ledger downloaded from `route` and read back: the index of each of `columns` ({key: the column's
    heading msgid}), the detail rows and the totals row."""
    response = finance.call("get", route, expect=200, **kwargs)
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    content = b"".join(response.streaming_content) if response.streaming else response.content
    workbook = load_workbook(io.BytesIO(content))
    with translation.override("zh-hans"):
        rows = list(workbook[gettext("Ledger")].iter_rows(values_only=True))
        header = list(rows[0])
        column = {key: header.index(gettext(msgid)) for key, msgid in columns.items()}
    return column, rows[1:-1], rows[-1]


def headings(*names) -> dict:
    """Columns keyed by their own heading."""
    return {name: name for name in names}
