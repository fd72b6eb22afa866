"""Cluster objects as code: pools and their members, backup jobs, HA resources and rules, the firewall
(cluster options, aliases, IP sets, security groups, cluster and guest rules, guest options), storage
definitions, SDN zones, VNets and subnets, access (LDAP and OpenID realms, users, groups, roles, ACL entries) and
downloaded images.

One module per kind declares an `ObjectType`: the bpg resource type and the arguments it writes, the PVE
paths to read, PVE JSON → canonical body (the HCL body as proxmox-mpc writes it), the import id the
provider documents, each argument's change impact, and the API requests that create, update or delete
one object. The services (`services/cluster_objects.py`) read, diff and apply them all the same way.
"""

from __future__ import annotations

from pmpc_tui.iac.objects.access import ACL_ENTRY, GROUP, ROLE, USER
from pmpc_tui.iac.objects.backup_job import BACKUP_JOB
from pmpc_tui.iac.objects.base import ObjectType, Read, Request
from pmpc_tui.iac.objects.firewall_cluster import FIREWALL_ALIAS, FIREWALL_CLUSTER, FIREWALL_GROUP, FIREWALL_IPSET
from pmpc_tui.iac.objects.firewall_guest import FIREWALL_OPTIONS, FIREWALL_RULES
from pmpc_tui.iac.objects.ha import HA_RESOURCE, HA_RULE
from pmpc_tui.iac.objects.image import IMAGE
from pmpc_tui.iac.objects.pool import POOL, POOL_MEMBER
from pmpc_tui.iac.objects.realm import REALM_LDAP, REALM_OPENID
from pmpc_tui.iac.objects.sdn import FILE as SDN_FILE
from pmpc_tui.iac.objects.sdn import SDN_TYPES, applier_block
from pmpc_tui.iac.objects.storage import STORAGE_TYPES

OBJECT_TYPES: tuple[ObjectType, ...] = (POOL, POOL_MEMBER, BACKUP_JOB, HA_RESOURCE, HA_RULE, FIREWALL_ALIAS,
                                        FIREWALL_IPSET, FIREWALL_GROUP, FIREWALL_RULES, FIREWALL_OPTIONS,
                                        FIREWALL_CLUSTER, *STORAGE_TYPES, *SDN_TYPES, REALM_LDAP, REALM_OPENID,
                                        GROUP, ROLE, USER, ACL_ENTRY, IMAGE)
BY_KIND = {t.kind: t for t in OBJECT_TYPES}
# the provider's deprecated names of the same resources are read too
BY_RESOURCE = {t.resource_type: t for t in OBJECT_TYPES} | {"proxmox_virtual_environment_acl": ACL_ENTRY,
                                                            "proxmox_virtual_environment_download_file": IMAGE}
TRAILERS = {SDN_FILE: applier_block}  # file → a block written after its resources, given their addresses
FILES = tuple(dict.fromkeys(t.file for t in OBJECT_TYPES))  # terraform/<file>, in the order written

__all__ = ["BY_KIND", "BY_RESOURCE", "FILES", "OBJECT_TYPES", "TRAILERS", "ObjectType", "Read", "Request"]
