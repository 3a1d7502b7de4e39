import pytest


@pytest.fixture(autouse=True)
def empty_index(request):
    """Search tests build their own small corpus: each starts from an empty index.

    The test database holds the demo manuals, whose rows would otherwise share ids and words
    with the synthetic entries. Inside a test's transaction this removal is rolled back.
    """
    marker = request.node.get_closest_marker("django_db")
    transactional = "transactional_db" in request.fixturenames or (
        marker is not None and marker.kwargs.get("transaction", False)
    )
    if marker is None and not {"db", "transactional_db"} & set(request.fixturenames):
        yield
        return
    request.getfixturevalue("transactional_db" if transactional else "db")
    from carebook.search.models import SearchEntry
    from carebook.search.services import _remove

    _remove(SearchEntry.objects.all())
    yield
