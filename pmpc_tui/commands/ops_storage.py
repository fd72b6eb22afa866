"""Registry entries for files on storage: `storage content`, `download URL`, `upload FILE`."""

from __future__ import annotations

import argparse

from pmpc_tui.commands.registry import CHANGE, Command, decimal_number

CONTENT_TYPES = ("iso", "vztmpl", "backup", "images", "import", "rootdir", "snippets")


def _output(p: argparse.ArgumentParser) -> None:
    p.add_argument("--output", "-o", choices=("table", "json", "yaml"), default=argparse.SUPPRESS,
                   help="output format")


def _storage(p: argparse.ArgumentParser) -> None:
    actions = p.add_subparsers(dest="action", metavar="ACTION", required=True)
    content = actions.add_parser("content", help="what a storage holds: ISO images, templates, backups, disks")
    content.add_argument("storage", metavar="STORAGE", help="storage ID, e.g. local")
    content.add_argument("--node", required=True, help="the node whose view of the storage to show")
    content.add_argument("--type", dest="content", metavar="TYPE", help=f"only one type: {', '.join(CONTENT_TYPES)}")
    _output(content)


def _transfer_flags(p: argparse.ArgumentParser) -> None:
    p.add_argument("--node", required=True, help="node that stores the file")
    p.add_argument("--storage", required=True, help="file-based storage that holds ISO images or templates")
    p.add_argument("--dry-run", action="store_true", help="check everything; send nothing")
    p.add_argument("--no-wait", dest="wait", action="store_false", help="return as soon as the task starts")
    p.add_argument("--timeout", type=decimal_number, default=3600.0, help="seconds to wait (default 3600)")


def _download(p: argparse.ArgumentParser) -> None:
    p.add_argument("url", metavar="URL", help="http(s) URL of an ISO image, container template or import file")
    p.add_argument("--filename", help="name to store it as (default: the URL's last part)")
    p.add_argument("--checksum", metavar="ALG:SUM", help="verify the file, e.g. sha256:9f86d0… (md5, sha1, "
                                                         "sha224, sha256, sha384, sha512)")
    _transfer_flags(p)


COMMANDS: tuple[Command, ...] = (
    Command("storage", "what a storage holds (ISO images, templates, backups, disk images)",
            "pmpc_tui.commands.storage_handlers:storage", _storage,
            examples=("storage content local --node pve1", "storage content local --node pve1 --type iso -o json")),
    Command("download", "download an ISO image or container template from a URL to a storage (PVE fetches it)",
            "pmpc_tui.commands.storage_handlers:download", _download, mutates=True, risk=CHANGE,
            examples=("download https://cdimage.debian.org/debian-cd/current/amd64/iso-cd/debian-13.2.0-amd64-"
                      "netinst.iso --node pve1 --storage local --checksum sha512:…",
                      "download https://example.org/alpine.tar.xz --node pve1 --storage local "
                      "--filename alpine-3.22.tar.xz")),
)


def _upload(p: argparse.ArgumentParser) -> None:
    p.add_argument("file", metavar="FILE", help="local ISO image (.iso/.img) or container template (.tar.zst …)")
    p.add_argument("--filename", help="name to store it as (default: the file's name)")
    p.add_argument("--checksum", metavar="ALG:SUM", help="have PVE verify the file, e.g. sha256:9f86d0…")
    _transfer_flags(p)


COMMANDS += (
    Command("upload", "upload a local ISO image or container template to a storage (streamed; any size)",
            "pmpc_tui.commands.storage_handlers:upload", _upload, mutates=True, risk=CHANGE,
            examples=("upload ./debian-13.2.0-amd64-netinst.iso --node pve1 --storage local",
                      "upload alpine.tar.xz --node pve1 --storage nas --checksum sha256:…")),
)
