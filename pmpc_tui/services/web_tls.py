"""The web server's certificate: the user's own, or a self-signed one made once and kept in the state dir."""

from __future__ import annotations

import datetime as dt
import hashlib
import ipaddress
import os
import ssl
from dataclasses import dataclass
from pathlib import Path

from pmpc_tui.config.profiles import state_dir
from pmpc_tui.pve.errors import ValidationFailed


@dataclass(frozen=True)
class ServerCertificate:
    """Where the certificate and key are, and the SHA-256 fingerprint a client pins."""

    cert_file: Path
    key_file: Path
    fingerprint: str


def fingerprint_of(cert_file: Path) -> str:
    """SHA-256 fingerprint of a PEM certificate, as colon-separated upper-case hex (how PVE shows one)."""
    der = ssl.PEM_cert_to_DER_cert(cert_file.read_text())
    digest = hashlib.sha256(der).hexdigest().upper()
    return ":".join(digest[i:i + 2] for i in range(0, 64, 2))


def _write_self_signed(cert_file: Path, key_file: Path, hosts: tuple[str, ...]) -> None:
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "proxmox-mpc serve")])
    alt: list[x509.GeneralName] = []
    for host in hosts:
        try:
            alt.append(x509.IPAddress(ipaddress.ip_address(host)))
        except ValueError:
            alt.append(x509.DNSName(host))
    now = dt.datetime.now(dt.UTC)
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
            .serial_number(x509.random_serial_number()).not_valid_before(now - dt.timedelta(minutes=5))
            .not_valid_after(now + dt.timedelta(days=825))
            .add_extension(x509.SubjectAlternativeName(alt), critical=False)
            .sign(key, hashes.SHA256()))
    cert_file.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    fd = os.open(key_file, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as fh:
        fh.write(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                   serialization.NoEncryption()))
    cert_file.write_bytes(cert.public_bytes(serialization.Encoding.PEM))


def server_certificate(cert: str | None, key: str | None, host: str = "127.0.0.1") -> ServerCertificate:
    """The user's --cert/--key (both or neither), else the kept self-signed one (made on first use)."""
    if bool(cert) != bool(key):
        raise ValidationFailed("--cert and --key go together", {"--cert": "give both, or neither"})
    if cert and key:
        cert_file, key_file = Path(cert).expanduser(), Path(key).expanduser()
        for flag, path in (("--cert", cert_file), ("--key", key_file)):
            if not path.is_file():
                raise ValidationFailed(f"{flag} {path}: no such file", {flag: "a PEM file"})
        try:
            ssl.create_default_context(ssl.Purpose.CLIENT_AUTH).load_cert_chain(cert_file, key_file)
            return ServerCertificate(cert_file, key_file, fingerprint_of(cert_file))
        except (ssl.SSLError, ValueError) as exc:
            raise ValidationFailed("the certificate and key cannot be used together",
                                   {"--cert": type(exc).__name__}) from None
    folder = state_dir() / "web"
    cert_file, key_file = folder / "server.crt", folder / "server.key"
    if not (cert_file.is_file() and key_file.is_file()):
        hosts = tuple(dict.fromkeys(("127.0.0.1", "::1", "localhost", host)))
        _write_self_signed(cert_file, key_file, tuple(h for h in hosts if h not in ("0.0.0.0", "::")))
    return ServerCertificate(cert_file, key_file, fingerprint_of(cert_file))
