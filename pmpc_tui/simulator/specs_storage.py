"""Declared parameters of the storage file routes: download-url, upload, and the node's version."""

from __future__ import annotations

from pmpc_tui.simulator.params import NODE, B, E, P, S

STORAGE = S("pve-storage-id", optional=False)
CHECKSUM_ALGORITHMS = ("md5", "sha1", "sha224", "sha256", "sha384", "sha512")
_FILE = {
    "checksum": S(), "checksum-algorithm": E(*CHECKSUM_ALGORITHMS),
    "content": P("string", optional=False, enum=("iso", "vztmpl", "import"), format="pve-storage-content"),
    "filename": S(optional=False, max_length=255), "node": NODE, "storage": STORAGE,
}

STORAGE_FILE_PARAMS: dict[tuple[str, str], dict[str, P]] = {
    ("GET", "/nodes/{node}/version"): {"node": NODE},
    ("POST", "/nodes/{node}/storage/{storage}/download-url"): {
        **_FILE, "compression": S(), "url": S(optional=False, pattern=r"https?://.*"), "verify-certificates": B(),
    },
    ("POST", "/nodes/{node}/storage/{storage}/upload"): {
        **_FILE, "tmpfilename": S(pattern=r"/var/tmp/pveupload-[0-9a-f]+"),
    },
}
