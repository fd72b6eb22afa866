"""The YAML gate judges most files from libyaml's events alone, and says exactly what a full safe load says."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from pmpc_tui.iac.gate import _libyaml_accepts, _plain_events_load, yaml_problems

INVENTORY = b'''# generated
all:
  hosts:
    web-0000:
      proxmox_vmid: 1000
      proxmox_node: "pve1"
      proxmox_tags:
        - "prod"
      proxmox_ipv4: []
      ratio: 0.5
      big: .inf
      when: 2024-05-01
      off: no
      empty:
      "quoted key": ~
    1234: numbers as keys
  children:
    node_pve1: {hosts: {web-0000: {}}}
---
- name: second document
  hosts: all
  tasks: [{debug: {msg: "hi"}}]
'''

# files whose loading decides from more than the events, or fails while building: a full load must decide
DECIDED_BY_A_LOAD = [
    b"secret: !vault |\n  $ANSIBLE_VAULT;1.1;AES256\n  6162\n",
    b"base: &b {a: 1}\nother:\n  <<: *b\n  c: 2\n",
    b"? [a, b]\n: value\n",
    b"{[1]: 2}\n",
    b"when: 2024-13-45\n",
    b"x: 0b_\n",
    b"x: =\n",
    b"x: !!int abc\n",
]


def _loads(data: bytes) -> bool:
    try:
        list(yaml.load_all(data, Loader=yaml.CSafeLoader))
    except Exception:
        return False
    return True


def test_a_generated_inventory_passes_without_being_built() -> None:
    assert _plain_events_load(yaml, INVENTORY) is True
    assert _libyaml_accepts(INVENTORY) is True


@pytest.mark.parametrize("data", DECIDED_BY_A_LOAD)
def test_tags_anchors_merge_keys_odd_keys_and_bad_values_get_the_same_answer_as_a_full_load(data: bytes) -> None:
    try:
        fast = _plain_events_load(yaml, data)
    except Exception:
        fast = None  # a value that does not build fails here as it fails a load
        assert not _loads(data)
    if fast:
        assert _loads(data)
    assert _libyaml_accepts(data) == _loads(data)


def test_a_yaml_syntax_error_still_names_its_line(tmp_path: Path) -> None:
    data = b"all:\n  hosts:\n    web: {a: 1\n    db: 2\n"
    problems = yaml_problems(data, tmp_path / "inventory.yml")
    assert problems and problems[0].line >= 3
