"""Re-pricing named approved filings under another policy version (a bureau admin, with the reason): the page.
The rule is `subsidies.pricing`'s."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Q
from django.shortcuts import redirect, render
from django.utils.translation import ngettext

from policies.selectors import policy_version_list
from portal.core.errors import PortalError
from portal.core.queries import get_or_404
from portal.core.roles import Capability
from programs.web import program_view
from subsidies import pricing
from subsidies.forms import RepriceForm

REPRICE_PAGE_SIZE = 50


@program_view(Capability.CONFIGURE)
def reprice(request, access, version):
    """The approved filings in no approved run with the version each is priced under; the bureau admin ticks
    some and gives the reason to price them under this version from the next calculation."""
    instance = get_or_404(policy_version_list(program=access.program), version)
    form = RepriceForm(request.POST or None)
    selected = set()
    if request.method == "POST" and form.is_valid():
        selected = set(form.cleaned_data["applications"])
        try:
            done = pricing.application_reprice(
                access=access,
                applications=form.cleaned_data["applications"],
                version=instance,
                reason=form.cleaned_data["reason"],
            )
        except PortalError as error:
            for name in error.fields or {None: None}:
                form.add_error(name if name in form.fields else None, error.message)
        else:
            messages.success(
                request,
                ngettext(
                    "%(count)s filing is now priced under this version from the next calculation.",
                    "%(count)s filings are now priced under this version from the next calculation.",
                    len(done),
                )
                % {"count": len(done)},
            )
            return redirect("subsidies:reprice", program=access.program.slug, version=instance.pk)
    search = request.GET.get("q", "").strip()[:60]
    rows = pricing.repricable_applications(access=access)
    if search:
        rows = rows.filter(Q(filing_number__icontains=search) | Q(enterprise__organisation__name__icontains=search))
    return render(
        request,
        "subsidies/policy_reprice.html",
        {
            "access": access,
            "program": access.program,
            "version": instance,
            "form": form,
            "search": search,
            "page": Paginator(rows, REPRICE_PAGE_SIZE).get_page(request.GET.get("page")),
            "selected": selected,
        },
    )
