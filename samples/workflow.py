"""The sample application's workflow as data: the states each action may start from. Every write of
`samples.services` on an application checks it first (`SAMPLE.require`), so a step taken out of turn is a Conflict
naming the application's state, with nothing written.

    applied   --cosign (provider)-->            cosigned
    cosigned  --check_record (bureau)-->        checked
    checked   --designate (bureau, quota)-->    designated
    applied, cosigned, checked --decline (bureau)-->           declined
    applied, cosigned, checked --withdraw (enterprise/provider)--> withdrawn
    applied, cosigned, checked, designated --photo_add, photo_remove (enterprise)
"""

from django.utils.translation import gettext_lazy as _lazy

from portal.core.roles import CAPABILITIES, Capability
from portal.core.workflow import Workflow, step
from samples.models import LIVE_SAMPLE_STATUSES, OPEN_SAMPLE_STATUSES
from samples.models import SampleStatus as S

# Who may act: the roles of the capability each service requires.
ENTERPRISE = CAPABILITIES[Capability.APPLY_SAMPLE]
PROVIDER = CAPABILITIES[Capability.COSIGN_SAMPLE]
BUREAU = CAPABILITIES[Capability.MANAGE_SAMPLES]

SAMPLE = Workflow(
    name="sample",
    noun=_lazy("The sample application"),
    choices=S,
    steps={
        "cosign": step(_lazy("Join"), (S.APPLIED,), to=(S.COSIGNED,), roles=PROVIDER),
        "check_record": step(_lazy("Record the on-site check"), (S.COSIGNED,), to=(S.CHECKED,), roles=BUREAU),
        "designate": step(_lazy("Designate"), (S.CHECKED,), to=(S.DESIGNATED,), roles=BUREAU),
        "decline": step(_lazy("Decline"), OPEN_SAMPLE_STATUSES, to=(S.DECLINED,), roles=BUREAU, needs_comment=True),
        "withdraw": step(
            _lazy("Withdraw"), OPEN_SAMPLE_STATUSES, to=(S.WITHDRAWN,), roles=ENTERPRISE | PROVIDER, needs_comment=True
        ),
        # photos change the application's gallery, not its state
        "photo_add": step(_lazy("Add a photo"), LIVE_SAMPLE_STATUSES, to=LIVE_SAMPLE_STATUSES, roles=ENTERPRISE),
        "photo_remove": step(_lazy("Remove a photo"), LIVE_SAMPLE_STATUSES, to=LIVE_SAMPLE_STATUSES, roles=ENTERPRISE),
    },
)
