from auditlog.registry import auditlog

from ponte.core.models import Attachment, FollowUp

from .models import Candidacy, Mission, NetworkMembership, Relation, Representation, Theme

auditlog.register(Relation, m2m_fields={"themes", "actions"})
auditlog.register(NetworkMembership, m2m_fields={"delegates", "actions"})
auditlog.register(Mission, m2m_fields={"actions"})
for model in (Candidacy, Representation, Theme, FollowUp, Attachment):
    auditlog.register(model)
