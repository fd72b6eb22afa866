"""Building and checking connection profiles — shared by `proxmox-mpc connect` and the first-run screen."""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from pmpc_tui.config.profiles import Profile, ProfileStore
from pmpc_tui.pve.errors import ValidationFailed

if TYPE_CHECKING:
    from pmpc_tui.pve.client import ConnectionSettings


@dataclass
class ConnectionForm:
    """What a user gives to connect: endpoint, identity, where the secret lives and how to trust TLS."""

    name: str
    url: str
    token_id: str | None = None
    user: str | None = None
    secret_source: str = "file"  # env | file | keyring
    secret_ref: str = ""
    fingerprint: str | None = None
    ca_bundle: str | None = None
    insecure: bool = False


def build_profile(form: ConnectionForm) -> Profile:
    """Validate the form and turn it into a Profile; ValidationFailed names the field to fix."""
    from pmpc_tui.config.profiles import check_profile_name
    from pmpc_tui.pve.tls import normalize_fingerprint
    from pmpc_tui.services.inputs import check_readable_file, check_url

    check_profile_name(form.name)
    url = check_url(form.url)
    if not form.token_id and not form.user:
        raise ValidationFailed("missing credentials", {"--token-id": "give --token-id USER@REALM!NAME "
                                                                      "(or --user for password login)"})
    user, token_name, auth = form.user or "root@pam", None, "password"
    if form.token_id:
        if "!" not in form.token_id or "@" not in form.token_id.split("!")[0]:
            raise ValidationFailed("invalid token id", {"--token-id": "expected USER@REALM!TOKENNAME"})
        user, token_name = form.token_id.split("!", 1)
        auth = "token"
    fingerprint = None
    if form.fingerprint:
        try:
            fingerprint = normalize_fingerprint(form.fingerprint)
        except ValueError as exc:
            raise ValidationFailed("invalid fingerprint", {"--fingerprint": str(exc)}) from None
    ca_bundle = str(check_readable_file(form.ca_bundle, "--ca-bundle", max_bytes=16 * 2**20).absolute()) \
        if form.ca_bundle is not None else None
    if form.secret_source == "env" and form.secret_ref and not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]{0,127}",
                                                                             form.secret_ref, re.ASCII):
        raise ValidationFailed("invalid --secret-env", {"--secret-env": "name an environment variable: letters, "
                                                                        "digits and '_', e.g. PVE_TOKEN"})
    if not form.secret_ref:
        raise ValidationFailed("where is the secret?", {"secret": "give --secret-env VAR, --secret-file PATH, "
                                                                  "--secret-stdin or --keyring"})
    return Profile(name=form.name, url=url, user=user, token_name=token_name, secret_source=form.secret_source,
                   secret_ref=form.secret_ref, auth=auth, fingerprint=fingerprint, verify_tls=not form.insecure,
                   ca_bundle=ca_bundle)


def settings_with_secret(form: ConnectionForm, secret: str) -> ConnectionSettings:
    """Connection settings for a form whose secret was typed in (nothing is stored)."""
    from pmpc_tui.pve.client import ConnectionSettings

    profile = build_profile(replace(form, secret_source="file", secret_ref="(typed)"))
    if not secret:
        raise ValidationFailed("missing secret", {"secret": "paste the API token secret (or password)"})
    token = profile.auth == "token"
    return ConnectionSettings(url=profile.url, user=profile.user, token_name=profile.token_name if token else None,
                              token_secret=secret if token else None, password=None if token else secret,
                              verify_tls=profile.verify_tls, fingerprint=profile.fingerprint,
                              ca_bundle=profile.ca_bundle)


def save_typed_profile(store: ProfileStore, form: ConnectionForm, secret: str, activate: bool = True) -> Profile:
    """Validate, store the typed secret in a 0600 file under the config dir, save and activate the profile."""
    settings_with_secret(form, secret)  # validates everything before anything is written
    path = store.store_secret_file(form.name, secret)
    profile = build_profile(replace(form, secret_source="file", secret_ref=str(path)))
    store.save(profile, activate=activate)
    return profile
