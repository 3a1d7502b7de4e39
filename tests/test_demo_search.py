"""Search over the demo base manual, as a practitioner would use it."""

import pytest

pytestmark = pytest.mark.django_db


def test_demo_search_finds_abbreviations_both_ways(client):
    base = "/national-library/childrens-social-care/search/"
    html = client.get(base, {"q": "cse missing from home"}).content.decode()
    assert "Children missing from home or care" in html
    html = client.get(base, {"q": "section 47"}).content.decode()
    assert "Strategy discussions and section 47 enquiries" in html
    html = client.get(base, {"q": "S47"}).content.decode()
    assert "Strategy discussions and section 47 enquiries" in html
