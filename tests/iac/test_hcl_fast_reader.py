"""The fast reader of generated HCL gives exactly what python-hcl2 gives, and leaves everything else to it."""

from __future__ import annotations

import pytest

from pmpc_tui.iac.hcl import Expr, Resource, parse, parse_with_hcl2, render_resource
from pmpc_tui.iac.hclfast import parse_plain

PLAIN = '''# header comment
// another

import {
  to = proxmox_virtual_environment_vm.web_1
  id = "pve1/100"
}
resource "proxmox_virtual_environment_vm" "web_1" {
  name  = "web-1" # trailing
  vm_id = 100
  n     = null
  neg   = -3
  f     = 2.25
  s     = "a\\"b\\\\c\\n\\t$${x} %%{y} 50% $5 \\u00e9 é"
  empty = ""
  l = [
    "a",
    1,
    true,
    a[0].b,
  ]
  ll = []
  blk {}
  blk {
    k = false

    inner {
      z = "q"
    }
  }
  lifecycle {
    ignore_changes  = [operating_system[0].template_file_id, tags]
    prevent_destroy = true
  }
}
resource "proxmox_virtual_environment_container" "c" {}
'''

NOT_PLAIN = [
    'resource "a" "b" {\n  x = file("k")\n}\n',
    'resource "a" "b" {\n  x = "${var.y}-z"\n}\n',
    'resource "a" "b" {\n  o = { "a" = 1 }\n}\n',  # python-hcl2 keeps a quoted key's quotes
    'resource "a" "b" {\n  o = { a = 1 b = 2 }\n}\n',
    'resource "a" "b" {\n  x = 1 + 2\n}\n',
    'resource "a" "b" {\n  /* c */\n  x = 1\n}\n',
    'provider "proxmox" {\n  endpoint = "https://x"\n}\n',
    'resource "a" "b" {\n  x = <<EOT\nhi\nEOT\n}\n',
    'resource "a" "b" {\n  x = 1e3\n}\n',
]


def _same(text: str) -> None:
    fast, slow = parse(text), parse_with_hcl2(text)
    assert repr(fast.resources) == repr(slow.resources)  # repr tells Expr from str and True from 1
    assert repr(fast.imports) == repr(slow.imports)


def test_generated_code_reads_the_same_with_the_fast_reader_as_with_python_hcl2() -> None:
    assert parse_plain(PLAIN) is not None
    _same(PLAIN)


def test_code_a_guest_file_holds_after_render_reads_back_unchanged() -> None:
    body = {"node_name": "pve1", "vm_id": 101, "tags": ["a", "b"], "started": True, "ratio": 0.5,
            "description": 'line one\nsays "hi" ${not a template}', "pool": Expr("var.pool"),
            "disk": [{"interface": "scsi0", "size": 32}, {"interface": "scsi1", "size": 8}],
            "lifecycle": [{"ignore_changes": [Expr("tags")]}]}
    text = render_resource(Resource("proxmox_virtual_environment_vm", "web", body))
    assert parse_plain(text) is not None
    assert repr(parse(text).resources[0].body) == repr(body)
    _same(text)


@pytest.mark.parametrize("text", NOT_PLAIN)
def test_hand_written_hcl_beyond_the_plain_subset_is_read_by_python_hcl2(text: str) -> None:
    assert parse_plain(text) is None
    _same(text)


OBJECTS = '''resource "proxmox_backup_job" "nightly" {
  id            = "backup-nightly"
  prune_backups = { keep-daily = "14", keep-monthly = "3" }
}

resource "proxmox_harule" "prefer" {
  nodes = { pve1 = null, pve2 = 2 }
  deep  = { a = { b = [1, "x"] }, c = {} }
  multi = {
    one = true,
    two = [{ k = var.x }]
    three = "3"
  }
}
'''


def test_the_objects_cluster_files_hold_read_the_same_without_python_hcl2() -> None:
    """A backup job's prune_backups and an HA rule's nodes are objects: reading them with python-hcl2 cost import and
    a fresh checkout's plan ~0.5 s to build its parser."""
    assert parse_plain(OBJECTS) is not None
    _same(OBJECTS)
