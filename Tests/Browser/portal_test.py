#!/usr/bin/env python3
"""The LA portal in a real headless Chromium (Debian's chromium and chromium-driver, driven by Selenium), against the
running services of the demo's LA: what an attendance officer, a manager, a panel chair and a school lead do each day.

Environment: PORTAL (the portal's address), PASSWORD (the demo accounts' password), MANAGER_TOKEN and OFFICER_TOKEN
(tokens for the same people, to compare the pages with the services' APIs), COORDINATOR, SCHEDULER, LEAD_SCHOOL,
SCREENSHOTS (a folder). Exits 1 with every failed check listed."""
import json
import os
import re
import sys
import urllib.request

from axe_selenium_python import Axe
from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.common.exceptions import WebDriverException
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support.ui import Select, WebDriverWait

PORTAL = os.environ["PORTAL"]
PASSWORD = os.environ["PASSWORD"]
COORDINATOR = os.environ.get("COORDINATOR", "http://127.0.0.1:8083")
SCHEDULER = os.environ.get("SCHEDULER", "http://127.0.0.1:8085")
SHOTS = os.environ.get("SCREENSHOTS", "/tmp/portal-screenshots")
LEAD_SCHOOL = os.environ["LEAD_SCHOOL"]
failures = []
passed = []


def check(condition, what):
    (passed if condition else failures).append(what)
    print(("  ok    " if condition else "  FAIL  ") + what, flush=True)
    return condition


def api(base, path, token):
    request = urllib.request.Request(base + path, headers={"Authorization": f"Bearer {token}"})
    with urllib.request.urlopen(request, timeout=30) as answer:
        return json.loads(answer.read())


def browser():
    options = webdriver.ChromeOptions()
    for argument in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--window-size=1280,900"):
        options.add_argument(argument)
    options.binary_location = "/usr/bin/chromium"
    return webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=options)


def sign_in(driver, username, password=PASSWORD):
    driver.delete_all_cookies()
    driver.get(PORTAL + "/sign-in")
    driver.find_element(By.ID, "username").send_keys(username)
    driver.find_element(By.ID, "password").send_keys(password)
    submit(driver, driver.find_element(By.CSS_SELECTOR, "form button[type=submit]"))


def mark_page(driver):
    """Marks the current document so that its replacement can be told apart from it."""
    driver.execute_script("document.documentElement.setAttribute('data-test-left', '1')")


def wait_for_next_page(driver):
    # Chromium sometimes answers a query about a detached node with an inspector error rather than
    # "stale element", so the check asks the current document for the mark instead of touching the old node.
    def replaced(driver):
        try:
            return driver.execute_script(
                "return document.readyState === 'complete' && !document.documentElement.hasAttribute('data-test-left')")
        except WebDriverException:
            return False
    WebDriverWait(driver, 30).until(replaced)


def submit(driver, element):
    """Clicks a form's button (or a link) and waits until the next page has replaced this one."""
    mark_page(driver)
    element.click()
    wait_for_next_page(driver)


def keyboard_submit(driver):
    mark_page(driver)
    driver.switch_to.active_element.send_keys(Keys.ENTER)
    wait_for_next_page(driver)


def shoot(driver, name):
    """The page at desktop and phone widths, whole length."""
    os.makedirs(SHOTS, exist_ok=True)
    for label, width in (("desktop", 1280), ("phone", 390)):
        driver.set_window_size(width, 900)
        height = driver.execute_script("return Math.min(document.documentElement.scrollHeight, 6000)")
        driver.set_window_size(width, max(900, height))
        driver.save_screenshot(os.path.join(SHOTS, f"{name}-{label}.png"))
    driver.set_window_size(1280, 900)


def accessible(driver, name):
    axe = Axe(driver)
    axe.inject()
    results = axe.run()
    serious = [v for v in results["violations"] if v.get("impact") in ("serious", "critical")]
    for violation in serious:
        print(f"    axe {violation['impact']}: {violation['id']}: {violation['help']} ({len(violation['nodes'])} nodes: "
              f"{[n['target'] for n in violation['nodes'][:3]]})")
    check(not serious, f"axe-core: no serious or critical violation on the {name} page")


def error_summary(driver):
    found = driver.find_elements(By.CSS_SELECTOR, ".error-summary")
    return found[0].text if found else ""


def oidc_sign_in(driver):
    """The second portal signs people in through the LA's OpenID Connect provider (the stand-in): its groups give the
    role, its schools claim the scope; a person in no group with a role is refused; a forged callback is refused."""
    portal = os.environ.get("OIDC_PORTAL")
    if not portal:
        return
    driver.delete_all_cookies()
    driver.get(portal + "/cases")
    check("/sign-in" in driver.current_url and not driver.find_elements(By.ID, "password"),
          "OIDC portal: sign-in offers the council's account only (local sign-in off)")
    submit(driver, driver.find_element(By.ID, "oidc-sign-in"))
    check("Local identity provider" in driver.page_source, "OIDC portal: the browser is sent to the provider")
    driver.find_element(By.ID, "user-rowan.patel").click()
    submit(driver, driver.find_element(By.ID, "continue"))
    WebDriverWait(driver, 30).until(lambda d: d.current_url.startswith(portal))
    check(driver.find_element(By.TAG_NAME, "h1").text == "Cases" and "Rowan Patel" in driver.page_source,
          "OIDC portal: signed in as the provider's person, back at the page asked for")
    driver.get(f"{portal}/schools/{LEAD_SCHOOL}")
    check(driver.find_element(By.TAG_NAME, "h1").text == f"School {LEAD_SCHOOL}", "OIDC portal: the school named by the provider's claim opens")
    cases = [c for c in api(COORDINATOR, "/v1/cases", os.environ["MANAGER_TOKEN"])["cases"] if c["schoolUrn"] != LEAD_SCHOOL]
    if cases:
        driver.get(f"{portal}/cases/{cases[0]['caseId']}")
        check(driver.find_element(By.TAG_NAME, "h1").text == "Page not found", "OIDC portal: another school's case is not found")
    driver.get(f"{portal}/sign-in/callback?code=forged&state=forged")
    check(driver.find_element(By.TAG_NAME, "h1").text == "Sorry, you could not be signed in", "OIDC portal: a forged callback is refused")
    driver.delete_all_cookies()
    driver.get(portal + "/sign-in")
    submit(driver, driver.find_element(By.ID, "oidc-sign-in"))
    driver.find_element(By.ID, "user-casey.brook").click()
    submit(driver, driver.find_element(By.ID, "continue"))
    WebDriverWait(driver, 30).until(lambda d: d.current_url.startswith(portal))
    check(driver.find_element(By.TAG_NAME, "h1").text == "You do not have access to this service" and driver.get_cookie("portal_session") is None,
          "OIDC portal: a person in no group with a role is refused, with no session")


def main():
    manager_token, officer_token = os.environ["MANAGER_TOKEN"], os.environ["OFFICER_TOKEN"]
    driver = browser()
    try:
        # --- sign-in: a wrong password is refused with the error summary; the right one opens the worklist
        sign_in(driver, "demo-officer", "not-the-password")
        check("The username or password is not right" in error_summary(driver), "a wrong password is refused, in the error summary")
        check(driver.get_cookie("portal_session") is None, "no session after a wrong password")
        sign_in(driver, "demo-officer")
        check(driver.find_element(By.TAG_NAME, "h1").text == "Worklist", "the officer signs in and lands on the worklist")
        cookie = driver.get_cookie("portal_session")
        check(cookie is not None and cookie.get("httpOnly") and cookie.get("sameSite") == "Lax", "the session cookie is HttpOnly and SameSite=Lax")

        # --- the worklist's counts are the coordinator's
        worklist = api(COORDINATOR, "/v1/worklist", officer_token)
        check(driver.find_element(By.ID, "count-due").text == str(worklist["total"]),
              f"tasks due on the page = the API's total ({worklist['total']})")
        check(driver.find_element(By.ID, "count-open").text == str(sum(worklist["casesByStage"].values())),
              f"open cases on the page = the API's cases by stage ({sum(worklist['casesByStage'].values())})")
        for stage, count in worklist["casesByStage"].items():
            cell = driver.find_element(By.CSS_SELECTOR, f"td[data-stage='{stage}']")
            check(cell.text == str(count), f"stage {stage}: {count} cases, as the API says")
        shown = sum(int(tag.get_attribute("data-count")) for tag in driver.find_elements(By.CSS_SELECTOR, "h2 .tag[data-count]"))
        check(shown == worklist["total"], f"the sections' counts add up to the API's total ({shown})")
        accessible(driver, "worklist")
        shoot(driver, "worklist")

        # --- a case at stage 2 in the officer's schools: chronology, a refused stage move, then the move
        cases = api(COORDINATOR, "/v1/cases?stage=2", officer_token)["cases"]
        check(bool(cases), "the officer has a case at stage 2")
        case_id = cases[0]["caseId"]
        driver.get(f"{PORTAL}/cases/{case_id}")
        check(driver.find_element(By.TAG_NAME, "h1").text == f"Case {case_id}", f"the case page opens ({case_id})")
        check(len(driver.find_elements(By.CSS_SELECTOR, "svg.chart")) == 1 and "Figures behind the chart" in driver.page_source,
              "the weekly chart is drawn, with its table beside it")
        accessible(driver, "case")
        shoot(driver, "case")

        # The chronology form with the keyboard alone: Tab to each field, type, Enter.
        body = driver.find_element(By.TAG_NAME, "body")
        body.send_keys(Keys.TAB)
        check(driver.switch_to.active_element.text == "Skip to main content", "the first Tab reaches the skip link")
        for _ in range(400):
            if driver.switch_to.active_element.get_attribute("id") == "entry-type":
                break
            driver.switch_to.active_element.send_keys(Keys.TAB)
        check(driver.switch_to.active_element.get_attribute("id") == "entry-type", "Tab reaches the chronology form")
        driver.switch_to.active_element.send_keys("c")  # "Call"
        driver.switch_to.active_element.send_keys(Keys.TAB)
        driver.switch_to.active_element.send_keys("Called mum: Amira has been anxious about school; agreed a meeting on Friday.")
        for _ in range(6):
            if driver.switch_to.active_element.get_attribute("id") == "add-entry":
                break
            driver.switch_to.active_element.send_keys(Keys.TAB)
        keyboard_submit(driver)
        check("Chronology entry added" in driver.page_source, "a chronology entry is added with the keyboard alone")
        entries = api(COORDINATOR, f"/v1/cases/{case_id}/chronology", officer_token)["entries"]
        check(any(e["type"] == "call" and "anxious about school" in e["summary"] and e["actor"] == "demo-officer" for e in entries),
              "the coordinator holds the entry, by the officer")

        # An empty entry is refused, naming the field.
        submit(driver, driver.find_element(By.ID, "add-entry"))
        check("Enter what happened" in error_summary(driver), "an empty entry is refused: the error summary names the field")

        # Every checklist item of stages 1 and 2 done but one; the move is refused naming it.
        view = api(COORDINATOR, f"/v1/cases/{case_id}", officer_token)
        open_items = [i for i in view["checklist"] if i["state"] == "open" and i["stage"] <= 2]
        check(len(open_items) >= 2, f"the case has open checklist items ({len(open_items)})")
        held_back = open_items[-1]
        for item in open_items[:-1]:
            submit(driver, driver.find_element(By.ID, f"item-{item['stage']}-{item['key']}"))
        submit(driver, driver.find_element(By.ID, "move-stage"))
        summary = error_summary(driver)
        check(held_back["question"] in summary, "the refused move's error summary names the open item")
        link = driver.find_element(By.CSS_SELECTOR, f".error-summary a[href='#item-{held_back['stage']}-{held_back['key']}']")
        check(link is not None, "the error links to the item's button")
        shoot(driver, "case-error")
        link.click()
        submit(driver, driver.find_element(By.ID, f"item-{held_back['stage']}-{held_back['key']}"))
        submit(driver, driver.find_element(By.ID, "move-stage"))
        check("Stage changed" in driver.page_source and "Stage 3:" in driver.page_source, "with the item done, the case moves to stage 3")
        check(api(COORDINATOR, f"/v1/cases/{case_id}", officer_token)["case"]["stage"] == 3, "the coordinator has the case at stage 3")

        # --- the school page and the targeting support meeting pack
        school = cases[0]["schoolUrn"]
        driver.get(f"{PORTAL}/schools/{school}")
        check("beside" in driver.page_source and "England" in driver.page_source, "the school page compares with the LA and England")
        accessible(driver, "school")
        shoot(driver, "school")
        driver.get(f"{PORTAL}/schools/{school}/pack")
        check("Every severely absent pupil" in driver.page_source, "the targeting support meeting pack opens")
        accessible(driver, "pack")
        shoot(driver, "pack")
        cookies = {c["name"]: c["value"] for c in driver.get_cookies()}
        request = urllib.request.Request(f"{PORTAL}/schools/{school}/pack.pdf", headers={"Cookie": f"portal_session={cookies['portal_session']}"})
        with urllib.request.urlopen(request, timeout=120) as answer:
            pdf = answer.read()
            check(answer.headers["Content-Type"] == "application/pdf" and pdf.startswith(b"%PDF"), f"the pack as a PDF ({len(pdf)} bytes)")
        with open(os.path.join(SHOTS, "pack.pdf"), "wb") as file:
            file.write(pdf)

        # --- a manager signs off oversight
        sign_in(driver, "demo-manager")
        driver.get(f"{PORTAL}/cases/{case_id}")
        Select(driver.find_element(By.ID, "oversight-decision")).select_by_value("approve")
        driver.find_element(By.ID, "oversight-rationale").send_keys("Support has been offered to both parents and evidenced; approve.")
        submit(driver, driver.find_element(By.ID, "record-oversight"))
        check("Oversight decision recorded" in driver.page_source, "the manager records oversight")
        entries = api(COORDINATOR, f"/v1/cases/{case_id}/chronology", manager_token)["entries"]
        check(any(e["type"] == "oversight" and e["actor"] == "demo-manager" for e in entries), "the coordinator's chronology holds the manager's oversight")

        # --- the panel chair records an outcome
        sign_in(driver, "demo-chair")
        check(driver.find_element(By.TAG_NAME, "h1").text == "AttendancePathway panel calendar", "the chair starts at the panel calendar")
        accessible(driver, "calendar")
        shoot(driver, "calendar")
        buttons = driver.find_elements(By.CSS_SELECTOR, "button[id^='record-']")
        if check(bool(buttons), "the chair's calendar has a booking to record"):
            booking = buttons[0].get_attribute("id")[len("record-"):]
            details = driver.find_element(By.XPATH, f"//form[@action='/calendar/bookings/{booking}/outcome']/ancestor::details")
            summary = details.find_element(By.TAG_NAME, "summary")
            driver.execute_script("arguments[0].scrollIntoView()", summary)
            summary.click()  # the person opens "Record the outcome"
            if details.get_attribute("open") is None:
                driver.execute_script("arguments[0].open = true", details)
            submit(driver, driver.find_element(By.ID, f"record-{booking}"))
            check("Select the meeting's outcome" in error_summary(driver), "an outcome without a choice is refused, naming the field")
            Select(driver.find_element(By.ID, f"outcome-{booking}")).select_by_value("further_recommendations")
            driver.find_element(By.ID, f"rationale-{booking}").send_keys("Family engaging with early help; review in six weeks.")
            driver.find_element(By.ID, f"recommendation-{booking}").send_keys("Attend the weekly mentoring sessions")
            driver.find_element(By.ID, f"due-{booking}").send_keys("2027-02-26")
            submit(driver, driver.find_element(By.ID, f"record-{booking}"))
            check("Outcome recorded" in driver.page_source, "the chair records the outcome")

        # --- a school lead sees their own school only, whatever the URL says
        sign_in(driver, "demo-lead")
        check(driver.find_element(By.TAG_NAME, "h1").text == "Worklist", "the school lead signs in")
        others = [c for c in api(COORDINATOR, "/v1/cases", manager_token)["cases"] if c["schoolUrn"] != LEAD_SCHOOL]
        if check(bool(others), "another school has a case"):
            driver.get(f"{PORTAL}/cases/{others[0]['caseId']}")
            check(driver.find_element(By.TAG_NAME, "h1").text == "Page not found" and others[0]["upn"] not in driver.page_source,
                  "another school's case by URL: page not found, nothing of the pupil shown")
            driver.get(f"{PORTAL}/schools/{others[0]['schoolUrn']}")
            check(driver.find_element(By.TAG_NAME, "h1").text == "Page not found", "another school's page by URL: page not found")
        driver.get(f"{PORTAL}/schools/{LEAD_SCHOOL}")
        check(driver.find_element(By.TAG_NAME, "h1").text == f"School {LEAD_SCHOOL}", "the lead's own school opens")

        # --- an auditor reads who opened the officer's case, across the services, and nothing else
        sign_in(driver, "demo-auditor")
        check(driver.find_element(By.TAG_NAME, "h1").text == "Access audit", "the auditor starts at the access audit")
        driver.find_element(By.ID, "subject").send_keys("demo-officer")
        submit(driver, driver.find_element(By.CSS_SELECTOR, "main form button"))
        check(case_id in driver.page_source and "pathway-coordinator" in driver.page_source and "absence-detector" in driver.page_source,
              "the audit shows the officer's reads of the case in the coordinator and the detector")
        accessible(driver, "audit")
        driver.get(f"{PORTAL}/cases/{case_id}")
        check(driver.find_element(By.TAG_NAME, "h1").text == "Page not found", "an auditor cannot open a child's case")
        sign_in(driver, "demo-lead")

        # --- sign-out ends the session
        submit(driver, driver.find_element(By.CSS_SELECTOR, ".header-account button"))
        driver.get(PORTAL + "/")
        check("/sign-in" in driver.current_url, "after sign-out the worklist asks to sign in again")
        oidc_sign_in(driver)
    finally:
        driver.quit()
    print(f"portal browser test: {len(passed)} checks passed, {len(failures)} failed")
    for failure in failures:
        print(f"  failed: {failure}")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
