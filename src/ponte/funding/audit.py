from auditlog.registry import auditlog

from .models import Call, Participation, Programme, Project, ProjectDocument, ProjectMilestone

auditlog.register(Programme, m2m_fields={"actions"})
auditlog.register(Call, m2m_fields={"alignments"})
auditlog.register(Project, m2m_fields={"actions", "alignments"})
for model in (Participation, ProjectMilestone, ProjectDocument):
    auditlog.register(model)
