from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "digisos.core"
    label = "core"
    verbose_name = "Kjerne"

    def ready(self) -> None:
        # Every model is imported and Django's apps are ready: what start-up made is frozen and the garbage
        # collector runs as usual from here (digisos/__init__.py).
        import digisos

        digisos.start_up_finished()
        from .logging import configure_logging

        configure_logging()
        from django.urls import register_converter

        from .converters import KommunenummerConverter

        register_converter(KommunenummerConverter, "kommunenummer")
        _say_what_to_do_with_a_nul()


def _say_what_to_do_with_a_nul() -> None:
    """Django refuses a NUL character in any form's text field with its own "Null-tegn er ikke tillatt.", which
    says what is wrong and not what to do (nobody types a NUL; it comes with a pasted text, unseen). Every
    CharField's validator reads the class's message when it refuses, so this one text serves every form."""
    from django.core.validators import ProhibitNullCharactersValidator
    from django.utils.translation import gettext_lazy as _

    ProhibitNullCharactersValidator.message = _(
        "Teksten har et usynlig tegn (NUL) som ikke kan lagres. Skriv teksten inn på nytt i stedet for å lime "
        "den inn, og send på nytt."
    )
