"""The resource pool: the providers list, a provider's page, the bureau's decisions and a provider's files."""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from portal.core.errors import PortalError
from portal.core.files import stored_file_response
from portal.core.forms import show_portal_error
from portal.core.roles import Capability
from programs import selectors as program_selectors
from programs.web import paginate, program_view, render_page
from providers import forms, selectors, services
from providers.models import PoolStatus


@program_view(Capability.VIEW_PROVIDERS)
def provider_list_page(request, access):
    filters = {key: request.GET.get(key, "").strip() for key in ("industry", "status", "search")}
    page = paginate(request, selectors.provider_list(access=access, **filters))
    return render_page(
        request,
        access,
        "providers/provider_list.html",
        {
            "page": page,
            "filters": filters,
            "industries": program_selectors.industry_list(access=access, with_counts=False),
            "statuses": PoolStatus.choices,
        },
    )


def _may_read_documents(access, membership) -> bool:
    """Everyone who reads providers, except competing providers: a provider reads only its own files."""
    if access.can(Capability.VIEW_ALL_ENTERPRISES) or not access.can(Capability.APPLY_SELECTION):
        return True
    return membership.organisation_id == access.user.organisation_id


def _provider_page(request, access, membership, decision_form=None):
    own = membership.organisation_id == access.user.organisation_id
    rounds = selectors.provider_rounds(access=access, membership=membership)
    may_read_documents = _may_read_documents(access, membership)
    context = {
        "membership": membership,
        "organisation": membership.organisation,
        "own": own,
        "industries": list(membership.industries.all()),
        "selections": list(selectors.selections_of(membership)),
        "decisions": selectors.provider_decisions(membership),
        "rounds": rounds,
        "may_read_documents": may_read_documents,
        "may_view_rounds": access.can(Capability.VIEW_SELECTION),
    }
    context["cases"] = list(selectors.active_cases(membership, with_documents=may_read_documents))
    if may_read_documents:
        context["documents"] = selectors.loose_documents(membership)
    if access.can(Capability.MANAGE_POOL):
        context["decision_form"] = decision_form or forms.DecisionForm(program=access.program)
    return render_page(request, access, "providers/provider_detail.html", context)


@program_view(Capability.VIEW_PROVIDERS)
def provider_detail(request, access, provider):
    return _provider_page(request, access, selectors.provider_get(access=access, pk=provider))


@program_view(Capability.MANAGE_POOL)
@require_POST
def provider_decide(request, access, provider):
    membership = selectors.provider_get(access=access, pk=provider)
    form = forms.DecisionForm(request.POST, program=access.program)
    if form.is_valid():
        try:
            decision = services.pool_decide(
                access=access,
                membership=membership,
                kind=form.cleaned_data["kind"],
                reason=form.cleaned_data["reason"],
                decided_on=form.cleaned_data["decided_on"],
                industries=form.cleaned_data["industries"],
                reference=form.cleaned_data["reference"],
            )
        except PortalError as error:
            show_portal_error(form, error)
        else:
            messages.success(
                request,
                _("Decision recorded: %(kind)s. The provider is now “%(status)s”.")
                % {"kind": decision.get_kind_display(), "status": decision.get_status_after_display()},
            )
            return redirect("providers:detail", program=access.program.slug, provider=membership.pk)
    messages.error(request, _("The decision is not recorded; see the decision form."))
    return _provider_page(request, access, membership, decision_form=form)


@program_view(Capability.VIEW_PROVIDERS)
def provider_document(request, access, provider, document):
    """The only way a provider's file leaves the server: for people who may read that provider's files."""
    membership = selectors.provider_get(access=access, pk=provider)
    if not _may_read_documents(access, membership):
        raise Http404
    return stored_file_response(selectors.document_get(membership, document))
