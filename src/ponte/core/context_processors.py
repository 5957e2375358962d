from functools import cache, cached_property

from django.urls import reverse

from ponte.collaboration.queries import unread_count

from . import menu, permissions

# Where the footer's "Report a disservice" leads (issue 15): the one place to change it.
DISSERVICE_URL_NAME = "portal:disservice"


class PortalFrame:
    """What the public header and footer show beyond the city's own fields, read only when a page
    draws them (the plan's title as tagline, the FAQ when the desk has published one)."""

    def __init__(self, city):
        self.city = city

    @cached_property
    def plan_title(self) -> str:
        from ponte.plan.queries import current_plan

        plan = current_plan(self.city)
        return plan.title if plan else ""

    @cached_property
    def faq_url(self) -> str:
        from ponte.participation.models import Question

        published = (
            Question.objects.for_city(self.city)
            .filter(in_faq=True)
            .exclude(faq_question="")
            .exclude(faq_answer="")
            .exists()
        )
        return reverse("participation:faq" if published else "participation:ask", args=[self.city.slug])

    @cached_property
    def disservice_url(self) -> str:
        return reverse(DISSERVICE_URL_NAME, args=[self.city.slug])

    @cached_property
    def accessibility_url(self) -> str:
        return self.city.accessibility_declaration_url or reverse("portal:accessibility", args=[self.city.slug])


def ponte(request):
    """The current city and the user's role in it, for every template."""
    city = getattr(request, "city", None)
    if city is None:
        return {}
    user = request.user
    role = permissions.role(user, city)
    # Computed only by the pages that show the back office's menu (templates call callables).
    staff_menu = cache(lambda: menu.staff_menu(request, city))
    return {
        "city": city,
        "portal_frame": PortalFrame(city),
        "user_role": role,
        "user_role_label": permissions.Role(role).label if role else "",
        "staff_menu": staff_menu,
        "staff_current": cache(lambda: menu.current_entry(staff_menu())),
        # The bell's count, read once by the back office's header (one COUNT per page).
        "unread_notifications": cache(lambda: unread_count(user, city)),
        "can_manage_plan": permissions.can_manage_plan(user, city),
        # One flag per chapter: templates show a chapter's edit links to the roles that do its work.
        **{f"can_manage_{chapter}": check(user, city) for chapter, check in permissions.CHAPTER_CHECKS.items()},
        "can_manage_users": permissions.can_manage_users(user, city),
    }
