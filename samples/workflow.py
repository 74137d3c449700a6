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

from portal.core.workflow import Workflow
from samples.models import LIVE_SAMPLE_STATUSES, OPEN_SAMPLE_STATUSES, SampleStatus

SAMPLE = Workflow(
    noun=_lazy("The sample application"),
    choices=SampleStatus,
    steps={
        "cosign": (_lazy("Join"), (SampleStatus.APPLIED,)),
        "check_record": (_lazy("Record the on-site check"), (SampleStatus.COSIGNED,)),
        "designate": (_lazy("Designate"), (SampleStatus.CHECKED,)),
        "decline": (_lazy("Decline"), OPEN_SAMPLE_STATUSES),
        "withdraw": (_lazy("Withdraw"), OPEN_SAMPLE_STATUSES),
        "photo_add": (_lazy("Add a photo"), LIVE_SAMPLE_STATUSES),
        "photo_remove": (_lazy("Remove a photo"), LIVE_SAMPLE_STATUSES),
    },
)
