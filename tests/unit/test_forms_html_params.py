"""The faster `html_params` the portal gives WTForms renders exactly what WTForms' own does."""

from hypothesis import given, settings
from hypothesis import strategies as st
from markupsafe import Markup
from wtforms import Form, StringField
from wtforms.widgets import core

from portal.web.forms import WTFORMS_HTML_PARAMS, _fast_html_params, install_fast_html_params

keys = st.from_regex(r"[a-z][a-z0-9_\-]{0,12}", fullmatch=True)
values = st.one_of(
    st.booleans(),
    st.integers(),
    st.text(max_size=40),
    st.text(max_size=20).map(Markup),  # already safe markup, may hold a raw quote
)


@settings(max_examples=300)
@given(st.dictionaries(keys, values, max_size=8))
def test_same_output_as_wtforms(attributes):
    fast, original = _fast_html_params(**attributes), WTFORMS_HTML_PARAMS(**attributes)
    assert fast == original and isinstance(fast, Markup)


def test_widgets_use_it_and_render_the_same_input():
    class Example(Form):
        name = StringField()

    field = Example(data={"name": 'a "quoted" <b>'}).name
    install_fast_html_params()
    fast = field(**{"class": "input", "aria-describedby": "x-hint", "required": True, "data_x": "1"})
    assert core.Input.html_params is _fast_html_params or core.Input.html_params.__func__ is _fast_html_params
    core.Input.html_params = staticmethod(WTFORMS_HTML_PARAMS)
    try:
        original = field(**{"class": "input", "aria-describedby": "x-hint", "required": True, "data_x": "1"})
    finally:
        install_fast_html_params()
    assert fast == original
    assert 'value="a &#34;quoted&#34; &lt;b&gt;"' in fast
