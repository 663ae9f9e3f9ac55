"""The local ID-porten's own pages: the address `make run` prints opens a page, not an error."""

import requests


def test_the_local_idporten_front_page_says_what_it_is(local_idporten):
    response = requests.get(f"{local_idporten}/", timeout=10)

    assert response.status_code == 200, response.text[:300]
    assert "bare for testing" in response.text
    assert '<html lang="nb">' in response.text
