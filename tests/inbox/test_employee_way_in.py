"""A caseworker finds the employee login from any page: the footer links to it (issue 17)."""

import pytest
from django.urls import reverse

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("reference_data")]


@pytest.mark.parametrize("page", ["front", "followup:privacy"])
def test_every_page_links_to_the_employee_login_in_its_footer(client, page):
    url = "/" if page == "front" else reverse(page)
    html = client.get(url).content.decode()
    footer = html.split('<footer class="site-footer">')[1].split("</footer>")[0]
    assert f'href="{reverse("accounts:employee-login")}"' in footer
