"""A service registered lazily (service_registry.register_lazy, as ConcernsConfig.ready() registers the
child-welfare service) is made on the first list or look-up, once, and is then the same as one registered made."""

from digisos.onboarding import service_registry


def test_a_lazily_registered_service_is_made_once_on_first_use(monkeypatch):
    monkeypatch.setattr(service_registry, "_SERVICES", {})
    made = []

    def make():
        from digisos.concerns.onboarding import service

        made.append(service())
        return made[-1]

    service_registry.register_lazy("barnevern", make)
    assert made == []
    assert service_registry.service("barnevern") is service_registry.registered()[0] is made[0]
    assert len(made) == 1
    assert service_registry.service("nothing") is None


def test_the_child_welfare_service_is_registered_from_ready():
    found = service_registry.service("barnevern")
    assert (
        found is not None and found.key == "barnevern" and found.form_class.__name__ == "OfficeSettingsForm"
    )
