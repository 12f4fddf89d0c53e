"""File sizes as the pages say them: nothing read yet is 0 KB, a small file at least 1 KB."""

import pytest

from portal.web.templating import file_size


@pytest.mark.parametrize(
    ("size", "said"), [(0, "0 KB"), (1, "1 KB"), (300, "1 KB"), (1536, "2 KB"), (1024 * 1024, "1 MB")]
)
def test_file_size(app, size, said):
    with app.test_request_context():
        assert file_size(size) == said
