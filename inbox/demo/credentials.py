"""Throwaway credentials for the sandbox, so the demo runs the real auth flows end to end."""

from __future__ import annotations

import json
import secrets
from dataclasses import dataclass
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa

ASC_KEY_ID = "DEMOKEY123"
ASC_ISSUER_ID = "69a6de70-0000-47e3-e053-5b8c7c11a4d1"


@dataclass(frozen=True)
class DemoCredentials:
    folder: Path
    google_file: Path
    asc_key_file: Path
    asc_public_pem: str
    instagram_token: str


def _pkcs8(key: rsa.RSAPrivateKey | ec.EllipticCurvePrivateKey) -> str:
    return key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    ).decode()


def write_demo_credentials(folder: Path, token_uri: str) -> DemoCredentials:
    """A Google service-account file whose token_uri is the sandbox, an App Store .p8 key,
    and an Instagram token: all generated here, valid only against the local sandbox."""
    folder.mkdir(parents=True, exist_ok=True)
    folder.chmod(0o700)
    rsa_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    google = {
        "type": "service_account",
        "project_id": "review-inbox-demo",
        "private_key_id": secrets.token_hex(8),
        "private_key": _pkcs8(rsa_key),
        "client_email": "inbox-demo@review-inbox-demo.iam.gserviceaccount.com",
        "client_id": "100000000000000000001",
        "token_uri": token_uri,
    }
    google_file = folder / "google-service-account.json"
    google_file.write_text(json.dumps(google, indent=2), encoding="utf-8")
    google_file.chmod(0o600)
    ec_key = ec.generate_private_key(ec.SECP256R1())
    asc_key_file = folder / f"AuthKey_{ASC_KEY_ID}.p8"
    asc_key_file.write_text(_pkcs8(ec_key), encoding="utf-8")
    asc_key_file.chmod(0o600)
    public = ec_key.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    return DemoCredentials(
        folder=folder,
        google_file=google_file,
        asc_key_file=asc_key_file,
        asc_public_pem=public.decode(),
        instagram_token="demo-" + secrets.token_urlsafe(24),
    )
