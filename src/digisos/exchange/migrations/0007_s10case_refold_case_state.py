# s10-case: the stored view's shape changed (serialise.VERSION 2: dokumentasjonkrav are tasks with an upload,
# Task.source, Requirement.created_at), so every row is folded again from its stored document. Only the
# columns this migration's model has are written, so that a later migration adding a column stays in charge
# of that column.

from django.db import migrations

CHUNK = 200


def refold(apps, schema_editor):
    from digisos.exchange.case_state import joined_view, office_of, state_values

    Case = apps.get_model("exchange", "Case")
    CaseState = apps.get_model("exchange", "CaseState")
    names = {f.name for f in CaseState._meta.concrete_fields} - {"case"}
    cases = Case.objects.select_related("application").order_by("pk")
    new, changed = [], []
    stored = set(CaseState.objects.values_list("pk", flat=True))
    for case in cases.iterator(chunk_size=CHUNK):
        application = case.application
        values = state_values(
            case.soker,
            sha256=case.soker_sha256,
            sent_at=application.sent_at if application else None,
            office=office_of(case.office_id, application.enhetsnummer if application else None),
            vedlegg=application.vedlegg_json if application else None,
        )
        if "view" in names:  # before 0019 the whole view had a column of its own: its parts put together
            values["view"] = joined_view(
                values["page_view"], values["payments"], values["earlier_history"], values["recent_history"]
            )
        row = CaseState(case_id=case.pk, **{k: v for k, v in values.items() if k in names})
        if "municipality" in names:  # a later model (0015 onwards): a new row needs its case's municipality
            row.municipality_id = case.municipality_id
        if "case_created_at" in names:  # 0017 onwards: and its case's creation
            row.case_created_at = case.created_at
        (changed if case.pk in stored else new).append(row)
        if len(new) + len(changed) >= CHUNK:
            CaseState.objects.bulk_create(new)
            CaseState.objects.bulk_update(changed, sorted(names))
            new, changed = [], []
    CaseState.objects.bulk_create(new)
    CaseState.objects.bulk_update(changed, sorted(names))


class Migration(migrations.Migration):
    dependencies = [("exchange", "0006_s8pages_case_page_columns")]

    operations = [migrations.RunPython(refold, migrations.RunPython.noop)]
