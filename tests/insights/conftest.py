import pytest


@pytest.fixture(autouse=True)
def _nothing_kept_between_tests():
    """Pages, answers and the figures' version are kept per process; each test builds its own figures."""
    from digisos.insights import api, selectors, views

    def forget() -> None:
        selectors.forget()
        views._pages.clear()
        api._answers.clear()

    forget()
    yield
    forget()
