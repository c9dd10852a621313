"""A rendered README fits under the project page's own heading."""

from collective.psc.upload.validation import fit_to_page
from collective.psc.upload.validation import render_description
from packaging.metadata import Metadata

import pytest


@pytest.mark.parametrize(
    ("html", "expected"),
    [
        ("<h1>A</h1><h2 id='b'>B</h2>", "<h2>A</h2><h3 id='b'>B</h3>"),
        ("<h5>E</h5><h6>F</h6>", "<h6>E</h6><h6>F</h6>"),
        ('<p>a <a href="#x" rel="nofollow"></a>b</p>', "<p>a b</p>"),
        ('<p><a href="#x">kept</a></p>', '<p><a href="#x">kept</a></p>'),
        (
            "<pre>&lt;h1&gt;</pre><header>x</header>",
            "<pre>&lt;h1&gt;</pre><header>x</header>",
        ),
    ],
)
def test_fit_to_page(html, expected):
    assert fit_to_page(html) == expected


@pytest.mark.parametrize(
    ("content_type", "text"),
    [
        ("text/markdown", "# Title\n\n## Usage\n\nText.\n"),
        ("text/x-rst", "=====\nTitle\n=====\n\nUsage\n=====\n\nText.\n"),
    ],
)
def test_rendered_readmes_have_no_h1_and_no_empty_links(content_type, text):
    metadata = Metadata.from_raw(
        {
            "metadata_version": "2.4",
            "name": "demo",
            "version": "1.0",
            "description": text,
            "description_content_type": content_type,
        }
    )
    html = render_description(metadata)
    assert "<h1" not in html
    assert "Usage" in html
    assert "></a>" not in html
