"""The sidebar of every page, declared as data: which capability shows a link, and on which pages the link is
the active one. Rendered in Python: as template nodes, the forty-odd conditional links cost more than the
queries of most pages."""

from dataclasses import dataclass
from functools import lru_cache

from django import template
from django.urls import get_script_prefix, reverse
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _

register = template.Library()


@dataclass(frozen=True)
class Here:
    """Where the page is: its URL namespace and name, and the list it leads back to (`back_url`)."""

    app: str
    name: str
    back: str


@dataclass(frozen=True)
class Link:
    route: str
    label: object
    shown: object  # (capabilities, context) -> bool
    active: object = None  # Here -> bool
    current: object = None  # Here -> bool: also aria-current="page" (the list itself, not one of its pages)


def Page(route, label, shown, where):  # noqa: N802 — reads as the Link it makes
    """A link that is active on the pages `where` picks, and is the page itself there (aria-current)."""
    return Link(route, label, shown, where, where)


def can(*capabilities):
    return lambda caps, context: any(capability in caps for capability in capabilities)


def named(*names, app=None):
    return lambda here: here.name in names and (app is None or here.app == app)


def in_app(app, *, but=(), prefix=None):
    def test(here):
        if here.app != app or here.name in but:
            return False
        return prefix is None or here.name.startswith(prefix)

    return test


def either(*tests):
    return lambda here: any(test(here) for test in tests)


def back_to(route):
    return lambda here: here.back == route


def ranking_board(key):
    return lambda caps, context: "view_ranking" in caps and bool(getattr(context.get("ranking_nav"), key, False))


PROVIDER_PAGES = ("detail", "profile", "case-new", "case-edit", "signups", "my-solutions")

PROGRAM = (
    Page("dashboard:index", _("Dashboard"), can("view_program"), named("dashboard")),
    Link(
        "enterprises:list",
        _("Enterprises"),
        can("view_all_enterprises"),
        named("enterprises", "enterprise-detail"),
    ),
    Link(
        "enterprises:list",
        _("My enterprise"),
        lambda caps, context: "view_own_enterprise" in caps and "view_all_enterprises" not in caps,
        named("enterprises", "enterprise-detail"),
    ),
    Link(
        "providers:list",
        _("Service providers"),
        can("view_providers"),
        either(named("providers"), named("detail", app="providers")),
    ),
    Link(
        "providers:solutions",
        _("Solution library"),
        can("view_solutions"),
        either(in_app("providers", prefix="solution"), named("my-solutions", app="providers")),
        named("solutions", app="providers"),
    ),
    Link(
        "samples:gallery",
        _("Learn from samples"),
        can("view_samples"),
        named("gallery", "detail", app="samples"),
        named("gallery", app="samples"),
    ),
    Link(
        "samples:applications",
        _("Sample applications"),
        can("view_samples"),
        named("applications", "application", "application-photo", "apply", app="samples"),
        named("applications", app="samples"),
    ),
    Link(
        "enterprises:targets",
        _("Target enterprises"),
        can("view_all_enterprises"),
        lambda here: here.app == "enterprises" and here.name != "signups",
    ),
    Link("enterprises:signups", _("Sign-up requests"), can("review"), named("signups", app="enterprises")),
    Link(
        "filings:list",
        _("Filings"),
        can("view_filings"),
        named("list", "new", "detail", "edit", app="filings"),
        named("list", app="filings"),
    ),
    Link(
        "providers:rounds",
        _("Selection rounds"),
        can("view_selection"),
        lambda here: (
            here.app == "providers" and here.name not in PROVIDER_PAGES and not here.name.startswith("solution")
        ),
        named("rounds", app="providers"),
    ),
    Link(
        "providers:profile",
        _("My provider profile"),
        can("apply_selection"),
        named("profile", "case-new", "case-edit", app="providers"),
        named("profile", app="providers"),
    ),
    Page("providers:signups", _("Provider registrations"), can("manage_pool"), named("signups", app="providers")),
    Link(
        "acceptance:reviews",
        _("Acceptance"),
        can("view_acceptance"),
        in_app("acceptance", but=("announcement",)),
        named("reviews", app="acceptance"),
    ),
    Page(
        "acceptance:announcement",
        _("Public announcement"),
        can("view_acceptance"),
        named("announcement", app="acceptance"),
    ),
    Page(
        "rankings:horse-race",
        _("Provider horse race"),
        can("view_ranking", "view_own_ranking"),
        in_app("rankings", but=("townships", "districts", "kpi")),
    ),
    Page("rankings:townships", _("Township progress"), ranking_board("township"), named("townships", app="rankings")),
    Page("rankings:districts", _("District ranking"), ranking_board("district"), named("districts", app="rankings")),
    Page("rankings:kpi", _("KPI board"), ranking_board("kpi"), named("kpi", app="rankings")),
    Link(
        "supervision:list",
        _("My supervised projects"),
        can("supervise"),
        in_app("supervision"),
        named("list", app="supervision"),
    ),
    Link(
        "supervision:list",
        _("Supervision"),
        lambda caps, context: "view_supervision" in caps and "supervise" not in caps,
        in_app("supervision"),
        named("list", app="supervision"),
    ),
    Page(
        "implementation:complaints",
        _("Complaints"),
        can("manage_implementation"),
        named("complaints", app="implementation"),
    ),
)
REFERENCE = (
    Link(
        "dashboard:industries",
        _("Industries"),
        can("view_reference"),
        either(named("industries"), back_to("dashboard:industries")),
    ),
    Link(
        "programs:scenarios",
        _("Scenario catalogue"),
        can("view_reference"),
        either(named("scenarios", "scenario-detail"), back_to("programs:scenarios")),
    ),
    Link(
        "programs:calendar",
        _("Calendar"),
        can("view_reference"),
        either(named("calendar"), back_to("programs:calendar")),
    ),
    Link("scoring:sheets", _("Score sheets"), can("view_reference"), in_app("scoring")),
    Link(
        "implementation:milestone-templates",
        _("Milestone templates"),
        can("view_reference"),
        either(named("milestone-templates"), back_to("implementation:milestone-templates")),
    ),
)
SUBSIDIES = (
    Page("policies:calculator", _("Subsidy calculator"), can("quote"), named("calculator")),
    Link("policies:versions", _("Policy versions"), can("view_policies"), named("versions", "version")),
    Link(
        "subsidies:runs",
        _("Calculation runs"),
        can("view_runs"),
        named("runs", "run", "line", "what-if", "run-ledger", app="subsidies"),
        named("runs", app="subsidies"),
    ),
    Link(
        "subsidies:pools",
        _("Funding pools"),
        can("view_runs"),
        named("pools", "pool", app="subsidies"),
        named("pools", app="subsidies"),
    ),
    Page("subsidies:awards", _("Awards"), can("view_runs"), named("awards", app="subsidies")),
    Page("subsidies:ledger", _("Ledger"), can("export_ledger"), named("ledger", app="subsidies")),
    Page("subsidies:my-subsidies", _("My subsidies"), can("view_own_subsidy"), named("my-subsidies")),
)
ADMINISTRATION = (
    Link(
        "members:list",
        _("Users and roles"),
        can("view_members"),
        either(named("members"), back_to("members:list")),
    ),
    Link("programs:settings", _("Program settings"), can("configure"), named("settings")),
)
ACCOUNT = (
    Link("program-chooser", _("My programs"), lambda caps, context: True, named("program-chooser", "home")),
    Link(
        "accounts:password-change",
        _("Change password"),
        lambda caps, context: True,
        named("password-change", "password-changed"),
    ),
)
TOOLS = (
    Link("api-docs", _("API documentation"), lambda caps, context: True),
    Link("admin:index", _("Django admin"), lambda caps, context: context["user"].is_staff),
)
IN_PROGRAM = ((_("Program"), PROGRAM), (_("Reference"), REFERENCE), (_("Subsidies"), SUBSIDIES))
IN_PROGRAM += ((_("Administration"), ADMINISTRATION),)


LINK = {
    (False, False): '<li><a href="{}">{}</a></li>',
    (True, False): '<li><a href="{}" class="active">{}</a></li>',
    (True, True): '<li><a href="{}" class="active" aria-current="page">{}</a></li>',
}


@lru_cache(maxsize=4096)
def _url(route: str, slug: str | None, prefix: str) -> str:
    return reverse(route, kwargs={"program": slug}) if slug else reverse(route)


def _links(links, caps, context, here, slug) -> str:
    prefix = get_script_prefix()
    items = []
    for link in links:
        if not link.shown(caps, context):
            continue
        active = link.active is not None and link.active(here)
        current = active and link.current is not None and link.current(here)
        items.append(format_html(LINK[active, current], _url(link.route, slug, prefix), link.label))
    return format_html_join("", "{}", ((item,) for item in items))


def _section(heading, links, caps, context, here, slug) -> str:
    items = _links(links, caps, context, here, slug)
    return format_html('<p class="nav-heading">{}</p><ul class="nav-list">{}</ul>', heading, items) if items else ""


@register.simple_tag(takes_context=True)
def sidebar(context):
    """The links of the sidebar for the page's program (`program`, `access`) or, outside a program, the
    account's; each shown by the capabilities of the user's roles, the page's own marked active."""
    request = context["request"]
    match = getattr(request, "resolver_match", None)
    here = Here(
        app=(match.app_name if match else "") or "",
        name=(match.url_name if match else "") or "",
        back=context.get("back_url") or "",
    )
    program, access = context.get("program"), context.get("access")
    parts = []
    if program:
        caps = access.capabilities if access else set()
        parts.append(format_html('<p class="nav-program">{}</p>', program.display_short_name))
        parts.extend(_section(heading, links, caps, context, here, program.slug) for heading, links in IN_PROGRAM)
    else:
        parts.append(_section(_("Account"), ACCOUNT, set(), context, here, None))
    parts.append(_section(_("Tools"), TOOLS, set(), context, here, None))
    return format_html_join("", "{}", ((part,) for part in parts))
