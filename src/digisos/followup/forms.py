from django import forms
from django.utils.translation import gettext_lazy as _

from digisos.core.forms import TextField
from digisos.core.identifiers import InvalidIdentityNumber, parse_identity_number

from .policy import ROLE_PURPOSES, Purpose


class PersonLookupForm(forms.Form):
    """The fødselsnummer travels in the POST body, never in a URL (as Modia's endpoints take it)."""

    fnr = TextField(
        label=_("Fødselsnummer eller d-nummer"),
        max_length=20,
        error_messages={"required": _("Skriv inn fødselsnummeret (11 siffer) til personen du vil se.")},
        widget=forms.TextInput(attrs={"autocomplete": "off", "inputmode": "numeric"}),
    )
    # Not required here: a look without purpose is the policy's to refuse, so the refusal is audited.
    purpose = forms.ChoiceField(
        label=_("Formål med oppslaget"),
        required=False,
        widget=forms.RadioSelect,
        error_messages={"invalid_choice": _("Velg et formål rollen din kan bruke.")},
    )

    def __init__(self, *args, role: str | None = None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        allowed = ROLE_PURPOSES.get(role or "", set())
        self.fields["purpose"].choices = [
            (value, label) for value, label in Purpose.choices if value in allowed
        ]

    def clean_fnr(self) -> str:
        try:
            return parse_identity_number(self.cleaned_data["fnr"]).value
        except InvalidIdentityNumber:
            raise forms.ValidationError(
                _("Fødselsnummeret er ikke gyldig. Sjekk at du har skrevet 11 siffer riktig.")
            ) from None
