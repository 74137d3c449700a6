"""A URL parameter name means one model everywhere, so the walker fills every route with the right objects."""

import pytest
from django.apps import apps
from django.core.exceptions import ImproperlyConfigured
from django.urls import get_resolver

from portal.core import urlparams


@pytest.fixture(autouse=True)
def _urls_loaded():
    """Every app's URLs, and so their registrations, are loaded."""
    assert get_resolver().url_patterns


def test_a_name_bound_to_another_model_is_refused_and_the_first_binding_stays():
    before = dict(urlparams.PATH_PARAMETERS)
    assert before["assignment"].model == "programs.RoleAssignment"
    with pytest.raises(ImproperlyConfigured, match="<assignment>"):
        urlparams.register("assignment", "supervision.SupervisionAssignment")
    assert before == urlparams.PATH_PARAMETERS


def test_the_same_binding_twice_is_allowed_a_page_and_its_api_share_it():
    registered = urlparams.PATH_PARAMETERS["review"]
    urlparams.register("review", registered.model, registered.program_path)
    assert urlparams.PATH_PARAMETERS["review"] == registered


def test_every_registered_parameter_names_an_installed_model_reaching_a_program():
    for name, parameter in urlparams.PATH_PARAMETERS.items():
        model = apps.get_model(parameter.model)
        # The lookup to the program is valid: building the filter raises FieldError otherwise.
        str(model._default_manager.filter(**{parameter.program_path: 1}).query)
        assert name == parameter.name
