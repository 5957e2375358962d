"""Background work of the collaboration app: the mail of one notification, for the people who
want each at once (`services.notify` queues it once its transaction commits)."""

from django_tasks import task

from .delivery import send_notification


@task()
def send_notification_task(notification_id: int) -> bool:
    return send_notification(notification_id)
