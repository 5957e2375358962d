from functools import cache

from . import menu, permissions


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
        "user_role": role,
        "user_role_label": permissions.Role(role).label if role else "",
        "staff_menu": staff_menu,
        "staff_current": cache(lambda: menu.current_entry(staff_menu())),
        "can_manage_plan": permissions.can_manage_plan(user, city),
        # One flag per chapter: templates show a chapter's edit links to the roles that do its work.
        **{f"can_manage_{chapter}": check(user, city) for chapter, check in permissions.CHAPTER_CHECKS.items()},
        "can_manage_users": permissions.can_manage_users(user, city),
    }
