"""Writes: loading the reference data and changing a municipality's service flags (audited)."""

import csv
import hashlib
import json
import re
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from django.contrib.auth.base_user import AbstractBaseUser
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_noop

from digisos.core.services import record_audit

from .models import (
    County,
    DataLoad,
    GeographicArea,
    MarkaStreetRule,
    Municipality,
    NavOffice,
    PostalCode,
    ServiceConfiguration,
)

DATA_DIR = Path(__file__).resolve().parent / "data"
DATA_FILES = (
    "fylker-2024.json",
    "kommuner-2024.json",
    "nav-kontor.json",
    "oslo-marka-bydelsfordeling.json",
    "postnummer.tsv",
)
VALID_FROM = date(2024, 1, 1)
LOAD_KIND = "municipalities"


@dataclass(frozen=True)
class LoadResult:
    up_to_date: bool
    counts: dict[str, int]


# Part of the checksum: a change in how the files are loaded reloads them as a change in the files does
# (2: office names written "Nav").
LOADER_VERSION = "2"


def data_checksum(data_dir: Path) -> str:
    digest = hashlib.sha256(LOADER_VERSION.encode())
    for name in DATA_FILES:
        digest.update(name.encode())
        digest.update((data_dir / name).read_bytes())
    return digest.hexdigest()


def load_municipalities(data_dir: Path = DATA_DIR) -> LoadResult:
    """Loads counties, municipalities, offices, routing and postal codes; a no-op if nothing changed."""
    checksum = data_checksum(data_dir)
    last = DataLoad.objects.filter(kind=LOAD_KIND).order_by("-loaded_at").first()
    if last is not None and last.checksum == checksum:
        return LoadResult(up_to_date=True, counts=last.counts)
    with transaction.atomic():
        counts = {
            "counties": _load_counties(data_dir),
            "municipalities": _load_municipalities(data_dir),
            "areas": _load_offices_and_areas(data_dir),
            "marka_rules": _load_marka(data_dir),
            "postal_codes": _load_postal_codes(data_dir),
        }
        # New municipalities start connected; existing configurations belong to the operators.
        ServiceConfiguration.objects.bulk_create(
            [
                ServiceConfiguration(municipality_id=n)
                for n in Municipality.objects.values_list("pk", flat=True)
            ],
            ignore_conflicts=True,
        )
        # New reference data changes every municipality's public answer: mark them all as changed.
        ServiceConfiguration.objects.update(updated_at=timezone.now())
        DataLoad.objects.create(kind=LOAD_KIND, source=str(data_dir), checksum=checksum, counts=counts)
    return LoadResult(up_to_date=False, counts=counts)


def _read_json(data_dir: Path, name: str) -> Any:
    return json.loads((data_dir / name).read_text(encoding="utf-8"))


def _load_counties(data_dir: Path) -> int:
    rows = _read_json(data_dir, "fylker-2024.json")
    County.objects.bulk_create(
        [County(number=r["fylkesnummer"], name=r["fylkesnavn"]) for r in rows],
        update_conflicts=True,
        unique_fields=["number"],
        update_fields=["name"],
    )
    return len(rows)


def _load_municipalities(data_dir: Path) -> int:
    rows = _read_json(data_dir, "kommuner-2024.json")
    Municipality.objects.bulk_create(
        [
            Municipality(
                kommunenummer=r["kommunenummer"],
                name=r["navn"],
                official_name=r.get("navn_ssb_2026") or r["navn"],
                county_id=r["fylkesnummer"],
                population=r.get("folketall_2024_01_01"),
                valid_from=VALID_FROM,
                active=True,
            )
            for r in rows
        ],
        update_conflicts=True,
        unique_fields=["kommunenummer"],
        update_fields=["name", "official_name", "county", "population", "valid_from", "active"],
    )
    Municipality.objects.exclude(pk__in=[r["kommunenummer"] for r in rows]).update(active=False)
    return len(rows)


def office_display_name(source_name: str) -> str:
    """NORG's office names are from before 2022 ("NAV Arna"); Nav has written its name "Nav" since then."""
    return re.sub(r"^NAV\b", "Nav", source_name)  # nav-naming: keep


def _load_offices_and_areas(data_dir: Path) -> int:
    rows = _read_json(data_dir, "nav-kontor.json")
    offices: dict[str, NavOffice] = {}
    areas = []
    for r in rows:
        active = r["enhet_status"] == "active_2025"
        number, name = r["enhetsnummer"], r["enhetsnavn"]
        if not active and r.get("mulig_ny_enhetsnummer"):
            # The source's own heuristic guess of the successor office: shown, but never as verified.
            number, name, active = r["mulig_ny_enhetsnummer"], r["mulig_ny_enhetsnavn"], True
            verified = False
        else:
            verified = active and r["kilde"] == "norg_2020"
        offices.setdefault(
            number, NavOffice(enhetsnummer=number, name=office_display_name(name), active=active)
        )
        areas.append(
            GeographicArea(
                code=r["geografisk_tilknytning"],
                municipality_id=r["kommunenummer"],
                is_district=bool(r["bydel"]),
                office_id=number,
                verified=verified,
                source=r["kilde"],
            )
        )
    NavOffice.objects.bulk_create(
        list(offices.values()),
        update_conflicts=True,
        unique_fields=["enhetsnummer"],
        update_fields=["name", "active"],
    )
    GeographicArea.objects.all().delete()
    GeographicArea.objects.bulk_create(areas)
    return len(areas)


def _load_marka(data_dir: Path) -> int:
    rules = []
    for r in _read_json(data_dir, "oslo-marka-bydelsfordeling.json"):
        # Three source rows lost the leading zero of the district number (see SOURCES.md).
        district = r["bydelTil"].zfill(6)
        for span in r["husnummerfordeling"]:
            rules.append(
                MarkaStreetRule(
                    street_code=r["gatekode"],
                    street_name=r["veiadresse"],
                    from_number=span["fra"],
                    to_number=span["til"],
                    parity=span["type"],
                    district_code=district,
                )
            )
    MarkaStreetRule.objects.all().delete()
    MarkaStreetRule.objects.bulk_create(rules)
    return len(rules)


def _load_postal_codes(data_dir: Path) -> int:
    with (data_dir / "postnummer.tsv").open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle, delimiter="\t"))
    PostalCode.objects.bulk_create(
        [
            PostalCode(postnummer=r["postnummer"], poststed=r["poststed"], kommunenummer=r["kommunenummer"])
            for r in rows
        ],
        update_conflicts=True,
        unique_fields=["postnummer"],
        update_fields=["poststed", "kommunenummer"],
    )
    return len(rows)


def update_service_configuration(
    *, actor: AbstractBaseUser | None, configuration: ServiceConfiguration, **changes: Any
) -> ServiceConfiguration:
    """Changes a municipality's service flags and records who changed what. No change, no audit entry."""
    unknown = set(changes) - set(ServiceConfiguration.FLAG_FIELDS)
    if unknown:
        raise ValueError(f"unknown service configuration fields: {sorted(unknown)}")
    with transaction.atomic():
        current = ServiceConfiguration.objects.select_for_update().get(pk=configuration.pk)
        before = {name: getattr(current, name) for name in changes if getattr(current, name) != changes[name]}
        if not before:
            return current
        for name, value in changes.items():
            setattr(current, name, value)
        current.save()
        record_audit(
            actor=actor,
            action="municipality.service_flags.changed",
            object_type="municipalities.ServiceConfiguration",
            object_id=current.pk,
            before=before,
            after={name: changes[name] for name in before},
        )
    return current


# The quick start's municipalities, one in each state a citizen can meet (README, "What you will see").
DEMO_SERVICE_FLAGS: dict[str, dict[str, Any]] = {
    "0301": {"can_receive_applications": True, "can_update_status": True},
    "4601": {"can_receive_applications": True, "can_update_status": True},
    "5501": {"can_receive_applications": True, "can_update_status": True},
    "5001": {"can_receive_applications": True, "can_update_status": False},
    "1804": {
        "can_receive_applications": True,
        "can_update_status": True,
        "updates_temporarily_disabled": True,
    },
    "1103": {
        "can_receive_applications": True,
        "receiving_temporarily_disabled": True,
        "paper_address": "Nav Stavanger, Postboks 8001, 4068 Stavanger",
        "paper_contact_phone": "55 55 33 33",
    },
    "3301": {
        "can_receive_applications": False,
        "can_update_status": False,
        "paper_address": "Nav Drammen, Postboks 7000, 3002 Drammen",
        "paper_contact_phone": "55 55 33 33",
        # Marked for translation: the demo's note is shown in the page's language (PaperContact.shown_note).
        "contact_note": gettext_noop(
            "Du kan også levere søknaden i resepsjonen på Nav Drammen, Bragernes torg 6."
        ),
    },
}


def apply_demo_service_flags() -> int:
    changed = 0
    for configuration in ServiceConfiguration.objects.filter(pk__in=DEMO_SERVICE_FLAGS):
        updated_at = configuration.updated_at
        result = update_service_configuration(
            actor=None, configuration=configuration, **DEMO_SERVICE_FLAGS[configuration.pk]
        )
        changed += result.updated_at != updated_at
    return changed
