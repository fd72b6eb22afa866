"""Connection profiles: endpoint, user and token id in config.yaml; secrets never stored there.

A profile's secret comes from an environment variable, a file readable only by its owner
(mode 0600), or the OS keyring (when the optional `keyring` package is installed).
"""

from __future__ import annotations

import io
import os
import re
import stat
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from pmpc_tui.config.files import atomic_write
from pmpc_tui.pve.client import ConnectionSettings

SECRET_SOURCES = ("env", "file", "keyring")
KEYRING_SERVICE = "proxmox-mpc"
# a profile name is also a file name (secrets/NAME.secret, the state directory): ASCII, short, no "." or ".."
PROFILE_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,63}", re.ASCII)
PROFILE_NAME_RULE = "1–64 ASCII letters, digits, '.', '_' or '-', starting with a letter or digit"


class ProfileError(Exception):
    """A profile is missing or unusable; the message says how to fix it."""


def is_profile_name(name: object) -> bool:
    """True when `name` may name a profile (see PROFILE_NAME_RULE)."""
    return isinstance(name, str) and PROFILE_NAME.fullmatch(name) is not None


def check_profile_name(name: object) -> str:
    """The name, or ValidationFailed (exit 64) saying what a profile name may be."""
    from pmpc_tui.pve.errors import ValidationFailed

    if not is_profile_name(name):
        text = str(name)
        quoted = repr(text if len(text) <= 40 else text[:40] + "…")
        raise ValidationFailed("invalid", {"profile name": f"{quoted}: use {PROFILE_NAME_RULE}"})
    return str(name)


def config_dir() -> Path:
    env = os.environ.get("PMPC_CONFIG_DIR")
    if env:
        return Path(env)
    base = os.environ.get("XDG_CONFIG_HOME") or str(Path.home() / ".config")
    return Path(base) / "proxmox-mpc"


def state_dir() -> Path:
    env = os.environ.get("PMPC_STATE_DIR")
    if env:
        return Path(env)
    base = os.environ.get("XDG_STATE_HOME") or str(Path.home() / ".local" / "state")
    return Path(base) / "proxmox-mpc"


@dataclass
class Profile:
    """How to reach one cluster. `secret_source`/`secret_ref` say where the secret lives."""

    name: str
    url: str
    user: str = "root@pam"
    token_name: str | None = None
    secret_source: str = "env"  # env | file | keyring
    secret_ref: str = ""  # env var name, file path, or keyring entry name
    auth: str = "token"  # token | password
    fingerprint: str | None = None
    verify_tls: bool = True
    ca_bundle: str | None = None
    backend: str = "https"
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def token_id(self) -> str | None:
        return f"{self.user}!{self.token_name}" if self.token_name else None

    def resolve_secret(self) -> str:
        """Read the secret from its source; ProfileError with the fix when it is not there."""
        if self.secret_source == "env":
            value = os.environ.get(self.secret_ref)
            if not value:
                raise ProfileError(f"profile '{self.name}': environment variable {self.secret_ref} is not set "
                                   f"(export {self.secret_ref}=… with the {self.auth} secret)")
            return value
        if self.secret_source == "file":
            path = Path(self.secret_ref).expanduser()
            if not path.exists():
                raise ProfileError(f"profile '{self.name}': secret file {path} does not exist")
            mode = stat.S_IMODE(path.stat().st_mode)
            if mode & 0o077:
                raise ProfileError(f"profile '{self.name}': secret file {path} is readable by others "
                                   f"(mode {mode:o}); run: chmod 600 {path}")
            return path.read_text().strip()
        if self.secret_source == "keyring":
            try:
                import keyring  # optional dependency
            except ImportError as exc:
                raise ProfileError("the OS keyring needs the 'keyring' package: pip install keyring") from exc
            value = keyring.get_password(KEYRING_SERVICE, self.secret_ref or self.name)
            if not value:
                raise ProfileError(f"profile '{self.name}': no secret in the OS keyring under "
                                   f"'{self.secret_ref or self.name}'")
            return str(value)
        raise ProfileError(f"profile '{self.name}': unknown secret source '{self.secret_source}'")

    def settings(self) -> ConnectionSettings:
        """Connection settings with the secret filled in."""
        from urllib.parse import urlsplit

        try:
            urlsplit(self.url).port  # noqa: B018 - raises on a port out of range or a broken IPv6 literal
        except ValueError as exc:
            raise ProfileError(f"profile '{self.name}': the URL {self.url[:80]!r} is not usable ({exc}); save the "
                               "profile again with `proxmox-mpc connect`") from None
        secret = self.resolve_secret() if self.backend == "https" or self.auth == "password" else None
        return ConnectionSettings(
            url=self.url, user=self.user,
            token_name=self.token_name if self.auth == "token" else None,
            token_secret=secret if self.auth == "token" else None,
            password=secret if self.auth == "password" else None,
            verify_tls=self.verify_tls, fingerprint=self.fingerprint, ca_bundle=self.ca_bundle,
            backend=self.backend,
        )

    def public_dict(self) -> dict[str, Any]:
        """What may be shown or written: never the secret itself."""
        data = asdict(self)
        data.pop("extra", None)
        return data


class ProfileStore:
    """Reads and writes config.yaml (atomically, keeping a .bak of the previous version)."""

    def __init__(self, directory: Path | None = None) -> None:
        self.directory = directory or config_dir()
        self.path = self.directory / "config.yaml"

    def _load(self) -> dict[str, Any]:
        if not self.path.exists():
            return {"active": None, "profiles": {}}
        from ruamel.yaml import YAML, YAMLError

        try:
            data = YAML(typ="safe").load(self.path.read_text(encoding="utf-8")) or {}
        except (OSError, UnicodeDecodeError, YAMLError) as exc:
            reason = getattr(exc, "strerror", None) or str(exc).splitlines()[0]
            raise ProfileError(f"{self.path}: cannot read the profiles ({reason}); fix the file, or restore "
                               f"{self.path.name}.bak") from None
        if not isinstance(data, dict) or not isinstance(data.setdefault("profiles", {}), dict):
            raise ProfileError(f"{self.path}: expected 'active' and a 'profiles' mapping; restore "
                               f"{self.path.name}.bak")
        data.setdefault("active", None)
        return data

    def _save(self, data: dict[str, Any]) -> None:
        from ruamel.yaml import YAML

        buf = io.StringIO()
        yaml = YAML()
        yaml.default_flow_style = False
        yaml.dump(data, buf)
        self.directory.mkdir(parents=True, exist_ok=True)
        atomic_write(self.path, buf.getvalue(), mode=0o600)

    def list(self) -> list[Profile]:
        """Every profile that can be read (a damaged entry is left out here; `get` names the problem)."""
        profiles = []
        for name, values in sorted(self._load()["profiles"].items(), key=lambda kv: str(kv[0])):
            try:
                profiles.append(Profile(name=str(name), **values))
            except TypeError:
                continue
        return profiles

    @property
    def active_name(self) -> str | None:
        return self._load().get("active")

    def get(self, name: str | None = None) -> Profile:
        data = self._load()
        wanted = name or os.environ.get("PMPC_PROFILE") or data.get("active")
        if not wanted:
            raise ProfileError("no connection profile yet: run `proxmox-mpc connect NAME --url https://HOST:8006 "
                               "--token-id USER@REALM!TOKEN --secret-env VAR`, or try `proxmox-mpc --demo`")
        values = data["profiles"].get(wanted) if isinstance(wanted, str) else None
        if values is None:
            known = ", ".join(sorted(str(n) for n in data["profiles"] if is_profile_name(n))) or "none"
            shown = wanted if len(str(wanted)) <= 40 else str(wanted)[:40] + "…"
            raise ProfileError(f"no profile named '{shown}' (known: {known})")
        if not is_profile_name(wanted) or not isinstance(values, dict):
            raise ProfileError(f"the profile '{str(wanted)[:40]}' in {self.path} cannot be used: a name must be "
                               f"{PROFILE_NAME_RULE}; save it again under a valid name with `proxmox-mpc connect`")
        try:
            return Profile(name=wanted, **values)
        except TypeError as exc:
            raise ProfileError(f"the profile '{wanted}' in {self.path} is damaged ({exc})") from None

    def save(self, profile: Profile, activate: bool = True) -> None:
        check_profile_name(profile.name)
        data = self._load()
        values = profile.public_dict()
        values.pop("name")
        data["profiles"][profile.name] = values
        if activate or not data.get("active"):
            data["active"] = profile.name
        self._save(data)

    def remove(self, name: str) -> None:
        data = self._load()
        if name not in data["profiles"]:
            raise ProfileError(f"no profile named '{name}'")
        del data["profiles"][name]
        if data.get("active") == name:
            data["active"] = next(iter(sorted(data["profiles"])), None)
        self._save(data)

    def store_secret_file(self, name: str, secret: str) -> Path:
        """Write a secret to secrets/NAME.secret with mode 0600 and return the path."""
        check_profile_name(name)
        path = self.directory / "secrets" / f"{name}.secret"
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        atomic_write(path, secret + "\n", mode=0o600, backup=False)
        return path
