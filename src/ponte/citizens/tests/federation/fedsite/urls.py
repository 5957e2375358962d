"""URLs of the test federation, as in spid-cie-oidc's examples/federation_authority."""

from django.contrib.staticfiles.views import serve
from django.urls import path, re_path
from spid_cie_oidc.authority.urls import urlpatterns as authority_urlpatterns
from spid_cie_oidc.entity.urls import urlpatterns as entity_urlpatterns
from spid_cie_oidc.entity.views import entity_configuration, resolve_entity_statement
from spid_cie_oidc.provider.urls import urlpatterns as op_urlpatterns

urlpatterns = [re_path(r"^static/(?P<path>.*)$", serve, {"insecure": True})]
urlpatterns += entity_urlpatterns
urlpatterns += authority_urlpatterns
urlpatterns += op_urlpatterns
urlpatterns += [
    path("oidc/op/.well-known/openid-federation", entity_configuration, name="op_entity_configuration"),
    path("oidc/op/resolve", resolve_entity_statement, name="op_entity_resolve"),
]
