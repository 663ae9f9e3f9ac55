"""The forms of one report page together: the reporter, one form per child (and guardian), the message.

Without JavaScript a page cannot grow by itself: "add a child" posts the page, keeps what was typed in the
draft, and shows one more child. The draft keeps every form's raw values, valid or not.
"""

from typing import Any

from django import forms
from django.http import QueryDict
from django.utils.translation import gettext_lazy as _

from digisos.core.text import without_nul

from . import forms as concern_forms
from .models import ChildWelfareOffice, ConcernReport

UNKNOWN_DISTRICT = ""


class DistrictForm(concern_forms.ConcernForm):
    """Only where the municipality has more than one office (Oslo): the district the child lives in."""

    bydel = forms.ChoiceField(label=_("Hvilken bydel bor barnet i?"), required=False, choices=[])

    def __init__(self, *args: Any, offices: list[ChildWelfareOffice], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["bydel"].choices = [(UNKNOWN_DISTRICT, _("Vet ikke"))] + [
            (o.bydelsnummer, o.bydelsnavn) for o in offices if not o.standard_receiver
        ]


class Filling:
    def __init__(
        self,
        report: ConcernReport,
        offices: list[ChildWelfareOffice],
        data: Any = None,
        *,
        children: int | None = None,
        guardians: int | None = None,
    ) -> None:
        draft = report.answers or {}
        # The draft keeps what was typed, valid or not (in JSON, which cannot hold a NUL): the forms never see
        # one, so a pasted text with one unseen is kept without it rather than lost to a database error.
        if isinstance(data, QueryDict):
            data = without_nul(data)
        self.public = report.kind == ConcernReport.Kind.PUBLIC
        self.children_count = children or max(1, len(draft.get("barn", [])))
        self.guardians_count = (guardians or max(1, len(draft.get("foresatte", [])))) if self.public else 0

        def make(cls: type[forms.Form], prefix: str, initial: dict[str, Any] | None, **extra: Any) -> Any:
            return cls(data, prefix=prefix, initial=initial or {}, **extra)

        reporter_cls = concern_forms.PublicReporterForm if self.public else concern_forms.PrivateReporterForm
        child_cls = concern_forms.PublicChildForm if self.public else concern_forms.PrivateChildForm
        message_cls = concern_forms.PublicMessageForm if self.public else concern_forms.PrivateMessageForm
        self.district = (
            make(DistrictForm, "bydel", draft.get("bydel"), offices=offices) if len(offices) > 1 else None
        )
        self.reporter = make(reporter_cls, "melder", draft.get("melder"))
        self.children = [
            make(child_cls, f"barn-{i}", _item(draft.get("barn"), i)) for i in range(self.children_count)
        ]
        self.guardians = [
            make(concern_forms.GuardianForm, f"foresatt-{i}", _item(draft.get("foresatte"), i))
            for i in range(self.guardians_count)
        ]
        self.message = make(message_cls, "melding", draft.get("melding"))

    @property
    def all_forms(self) -> list[forms.Form]:
        return [f for f in [self.district, self.reporter, *self.children, *self.guardians, self.message] if f]

    def is_valid(self) -> bool:
        return all([form.is_valid() for form in self.all_forms])  # every form, so each shows its errors

    def to_draft(self) -> dict[str, Any]:
        draft: dict[str, Any] = {
            "melder": self.reporter.to_draft(),
            "barn": [form.to_draft() for form in self.children],
            "melding": self.message.to_draft(),
        }
        if self.public:
            draft["foresatte"] = [form.to_draft() for form in self.guardians]
        if self.district:
            draft["bydel"] = self.district.to_draft()
        return draft

    def answers(self) -> dict[str, Any]:
        """The checked answers in the shape bekymringsmelding.build_* reads (after is_valid())."""
        return {
            "melder": self.reporter.cleaned_data,
            "barn": [concern_forms.as_answers(form.cleaned_data) for form in self.children],
            "foresatte": [concern_forms.as_answers(form.cleaned_data) for form in self.guardians],
            "melding": self.message.cleaned_data,
        }

    @property
    def bydelsnummer(self) -> str:
        return self.district.cleaned_data.get("bydel", "") if self.district else ""


def _item(items: list[dict[str, Any]] | None, index: int) -> dict[str, Any] | None:
    return items[index] if items and index < len(items) else None


def error_summary(filling: Filling) -> list[dict[str, Any]]:
    """Every field error, in page order, with the section it is in ("Barn 2") and where to move the focus."""
    from digisos.core.templatetags.digisos_forms import first_input_id

    sections: list[tuple[Any, forms.Form]] = []
    if filling.district:
        sections.append((_("Bydel"), filling.district))
    sections.append((_("Om deg"), filling.reporter))
    sections += [(_("Barn %(number)d") % {"number": i + 1}, form) for i, form in enumerate(filling.children)]
    sections += [
        (_("Forelder eller foresatt %(number)d") % {"number": i + 1}, form)
        for i, form in enumerate(filling.guardians)
    ]
    sections.append((_("Bekymringen"), filling.message))
    return [
        {
            "id": first_input_id(form[name]),
            "section": section,
            "label": form[name].label,
            "message": errors[0],
        }
        for section, form in sections
        for name, errors in form.errors.items()
        if name in form.fields
    ]
