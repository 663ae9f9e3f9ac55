"""Agreements: a PDF with the municipality's name and number, signed with a real PAdES signature, verified
when stored and when shown; a signature that fails verification is refused."""

import io
import shutil

import pikepdf
import pytest

from digisos.core.models import AuditEntry
from digisos.onboarding import selectors, services
from digisos.onboarding.models import Agreement, Stage
from digisos.onboarding.signing import signer

pytestmark = pytest.mark.django_db


def test_the_agreement_names_the_municipality_and_its_organisation_number(walk, director):
    onboarding = walk(Stage.AGREEMENTS)
    pdf = services.agreement_pdf(actor=director, onboarding_id=onboarding.pk, kind="nav_data_processing")
    assert pdf.startswith(b"%PDF")
    with pikepdf.open(io.BytesIO(pdf)) as document:
        assert len(document.pages) >= 1
    assert _title(pdf) == "Databehandleravtale"


def _title(pdf: bytes) -> str:
    with pikepdf.open(io.BytesIO(pdf)) as document:
        return str(document.docinfo.get("/Title", ""))


def test_a_signed_agreement_verifies_and_names_the_signer(walk, director):
    onboarding = walk(Stage.AGREEMENTS)
    agreement = services.sign_agreement(
        actor=director, onboarding_id=onboarding.pk, kind="ks_service_agreement"
    )
    signed = bytes(agreement.signed_pdf)
    assert signed.startswith(bytes(agreement.unsigned_pdf))
    verification = signer().verify(signed)
    assert verification.valid, verification.problem
    expected = director.get_full_name() or director.username
    assert verification.signer_name == agreement.signer_name == expected
    entry = AuditEntry.objects.filter(action="onboarding.agreement_signed").latest("id")
    assert entry.after["agreement"] == "ks_service_agreement" and entry.after["signed"] is True
    # Shown with its signature verified again.
    [shown] = [a for a in selectors.agreements(onboarding) if a.kind == "ks_service_agreement"]
    assert shown.signed and shown.verification.valid


def test_a_changed_signed_pdf_is_refused_on_upload(walk, director):
    onboarding = walk(Stage.AGREEMENTS)
    signed = bytes(
        services.sign_agreement(actor=director, onboarding_id=onboarding.pk, kind="nks_access").signed_pdf
    )
    Agreement.objects.filter(onboarding=onboarding, kind="nks_access").update(signed_pdf=None)
    # One byte inside the signed range changed: the document is no longer what was signed.
    unsigned_length = len(bytes(Agreement.objects.get(onboarding=onboarding, kind="nks_access").unsigned_pdf))
    tampered = bytearray(signed)
    position = signed.rindex(b"/Reason")
    tampered[position + 9] ^= 0x01
    assert position > unsigned_length
    with pytest.raises(services.SignatureRefused) as refused:
        services.upload_signed_agreement(
            actor=director, onboarding_id=onboarding.pk, kind="nks_access", data=bytes(tampered)
        )
    assert "Signaturen i filen kan ikke bekreftes" in refused.value.message
    assert not selectors.automatic_done(onboarding, "nks_access")


def test_a_signature_from_an_untrusted_authority_is_refused(walk, director, settings, tmp_path):
    onboarding = walk(Stage.AGREEMENTS)
    pdf = services.agreement_pdf(actor=director, onboarding_id=onboarding.pk, kind="nks_access")
    trusted = settings.ONBOARDING_SIGNING
    # Signed by another authority (a fresh test CA), then checked against ours.
    settings.ONBOARDING_SIGNING = {**trusted, "CA_DIR": str(tmp_path / "other-ca")}
    foreign = signer().sign(pdf, signer_name="Mallory", organisation="Drammen kommune", reason="Avtale")
    settings.ONBOARDING_SIGNING = trusted
    verification = signer().verify(foreign)
    assert not verification.valid and "trusted" in verification.problem
    with pytest.raises(services.SignatureRefused):
        services.upload_signed_agreement(
            actor=director, onboarding_id=onboarding.pk, kind="nks_access", data=foreign
        )
    shutil.rmtree(tmp_path / "other-ca")


def test_another_document_is_refused_even_with_a_good_signature(walk, director):
    onboarding = walk(Stage.AGREEMENTS)
    other = services.agreement_pdf(actor=director, onboarding_id=onboarding.pk, kind="nav_data_processing")
    signed_other = signer().sign(other, signer_name="Randi Bakke", organisation="Drammen kommune", reason="x")
    with pytest.raises(services.SignatureRefused) as refused:
        services.upload_signed_agreement(
            actor=director, onboarding_id=onboarding.pk, kind="nks_access", data=signed_other
        )
    assert "er ikke avtalen vi laget for Drammen" in refused.value.message


def test_an_unsigned_or_broken_file_is_refused(walk, director):
    onboarding = walk(Stage.AGREEMENTS)
    pdf = services.agreement_pdf(actor=director, onboarding_id=onboarding.pk, kind="nks_access")
    for data in (pdf, b"not a pdf"):
        with pytest.raises(services.SignatureRefused):
            services.upload_signed_agreement(
                actor=director, onboarding_id=onboarding.pk, kind="nks_access", data=data
            )


def test_an_upload_of_the_right_signed_file_is_stored(walk, director):
    onboarding = walk(Stage.AGREEMENTS)
    pdf = services.agreement_pdf(actor=director, onboarding_id=onboarding.pk, kind="nks_access")
    signed = signer().sign(pdf, signer_name="Randi Bakke", organisation="Drammen kommune", reason="Avtale")
    agreement = services.upload_signed_agreement(
        actor=director, onboarding_id=onboarding.pk, kind="nks_access", data=signed
    )
    assert agreement.signer_name == "Randi Bakke"
    assert selectors.automatic_done(onboarding, "nks_access")


def test_the_quick_start_creates_the_test_authority_in_the_var_directory(settings, tmp_path):
    from django.core.management import call_command

    settings.ONBOARDING_SIGNING = {**settings.ONBOARDING_SIGNING, "CA_DIR": str(tmp_path / "ca")}
    call_command("onboarding_signing_setup", verbosity=0)
    assert (tmp_path / "ca" / "test-ca.crt").exists()
    assert oct((tmp_path / "ca" / "test-ca.pem").stat().st_mode & 0o777) == "0o600"
