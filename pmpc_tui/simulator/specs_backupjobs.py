"""Declared parameters of the cluster's backup jobs (`/cluster/backup`, jobs.cfg)."""

from __future__ import annotations

from pmpc_tui.simulator.params import B, P, S
from pmpc_tui.simulator.specs_backup import BACKUP_PARAMS

JOB_ID = S(optional=False, pattern=r"\S+", max_length=50)
_VZDUMP = {k: v for k, v in BACKUP_PARAMS[("POST", "/nodes/{node}/vzdump")].items() if k not in ("job-id", "stdout")}
_JOB = {
    **_VZDUMP, "comment": S(max_length=512), "dow": S("pve-day-of-week-list"), "enabled": B(),
    "repeat-missed": B(), "schedule": S("pve-calendar-event", max_length=128),
    "starttime": S(pattern=r"\d{1,2}:\d{1,2}"),
}
# Options that need another one to be given too (the schema's `requires`).
REQUIRES = {"dow": "starttime", "notes-template": "storage", "protected": "storage"}

BACKUP_JOB_PARAMS: dict[tuple[str, str], dict[str, P]] = {
    ("GET", "/cluster/backup"): {},
    ("POST", "/cluster/backup"): {**_JOB, "id": S("pve-configid")},
    ("GET", "/cluster/backup/{id}"): {"id": JOB_ID},
    ("PUT", "/cluster/backup/{id}"): {**_JOB, "delete": S("pve-configid-list"), "id": JOB_ID},
    ("DELETE", "/cluster/backup/{id}"): {"id": JOB_ID},
    ("GET", "/cluster/backup/{id}/included_volumes"): {"id": JOB_ID},
}
