"""Write the demo content: a West Suffolk asset register (register.xlsx), its extracts and mappings.

Reproducible (fixed random seed, fixed dates): run it again and the outputs are the same, so they are
committed beside it. Every extract is synthetic and says so (data_provenance=synthetic; the publish
jobs add a sentence to each description). Three extracts are shaped like real council finance exports
(own column names, day/month/year dates, "£1,234.56" amounts, a payee-type column) and come with
column mappings; the rest follow their table schema directly, starting from schemas/examples. The
ward-level tables (fly-tipping, planning applications, missed bins, licensed premises, community grants,
parking PCNs, ward populations and councillors by ward) are made per ward from made-up rates, so the ward
pages have something to compare; a few of their ward codes are typed in lower case or with spaces, as
real exports are, and one older table is coded to stand-in wards from before the 2019 boundary changes.

    .venv/bin/python publish_jobs/demo/make_demo.py
"""
from __future__ import annotations

import csv
import datetime as dt
import random
import shutil
from pathlib import Path

import yaml
from openpyxl import Workbook
from openpyxl.styles import Font

from publish_jobs.register import register_schema
from westsuffolk_core import table_schemas, vocabularies

HERE = Path(__file__).resolve().parent
EXTRACTS, MAPPINGS = HERE / "extracts", HERE / "mappings"
DEMO_MAPPING_PREFIX = "westsuffolk-"
SEED = 20240930
COUNCIL, GSS = "West Suffolk Council", "E07000245"
REVIEWED = dt.date(2024, 10, 7)
QUARTER = "2024-Q3"
QUARTER_DAYS = [dt.date(2024, 7, 1) + dt.timedelta(days=n) for n in range(92)]
TOWNS = ["Bury St Edmunds", "Newmarket", "Haverhill", "Mildenhall", "Brandon"]
SUPPLIERS = [  # made up; company numbers are 8 digits, as Companies House issues them
    ("Abbeygate Fuel Cards Ltd", "04817263"), ("Lark Valley Grounds Maintenance Ltd", "07712094"),
    ("Brandon Flint Builders Ltd", "05533018"), ("Haverhill Print Works Ltd", "09120457"),
    ("Newmarket Heath Catering Ltd", "06643291"), ("Breckland IT Services Ltd", "08876120"),
    ("Mildenhall Skips and Recycling Ltd", "03398214"), ("Suffolk Road Surfacing Ltd", "02214876"),
    ("Kentford Electrical Contractors Ltd", "10233417"), ("Linnet Office Supplies Ltd", "11458203"),
    ("St Edmunds Legal Services LLP", "OC412398"), ("Cavenham Vehicle Hire Ltd", "06011384"),
]
CHARITIES = [("Haverhill Arts Trust", "1098765"), ("Brandon Youth Project", "1123456"),
             ("Newmarket Food Bank", "1176543")]
SERVICES = {  # ledger service label -> (cost centre code, expenditure codes)
    "Operations": ("OPS", ["Vehicle fuel", "Waste disposal", "Grounds maintenance", "Vehicle hire"]),
    "Resources and Property": ("RES", ["Repairs and maintenance", "Legal fees", "IT software"]),
    "Families and Communities": ("FAC", ["Grants and contributions", "Catering"]),
    "Planning and Growth": ("PLG", ["Consultancy", "Printing"]),
    "Leisure and Culture": ("LEI", ["Grants and contributions", "Equipment"]),
}
CARD_MERCHANTS = [
    ("Post Office Counters", "Postal Services", "9402", "Postage"),
    ("Screwfix Bury St Edmunds", "Hardware Stores", "5251", "Tools and materials"),
    ("Trainline", "Passenger Railways", "4112", "Staff travel"),
    ("Haverhill Cafe Co", "Eating Places", "5812", "Meeting refreshments"),
    ("Amazon Marketplace", "Book Stores", "5942", "Reference books"),
    ("Suffolk Locksmiths", "Locksmith Services", "7399", "Emergency lock change"),
]


def write_csv(path: Path, header: list[str], rows: list[list]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(header)
        writer.writerows(rows)


def money(value: float) -> str:
    return f"£{value:,.2f}"


def ledger_spend(rng: random.Random) -> None:
    """Finance ledger export, shaped like a real one (Harrogate-style columns, UK dates, £ amounts)."""
    header = ["Body Name", "Expenditure Category", "Capital / Revenue", "Service Label", "Service Code",
              "Expenditure Code", "Payment Date", "Supplier Name", "Supplier Type", "Company Reg No",
              "Charity No", "Transaction No.", "Net Amount", "Irrecoverable VAT", "Narrative"]
    rows = []
    for number in range(300):
        service = rng.choice(list(SERVICES))
        code, kinds = SERVICES[service]
        kind = rng.choice(kinds)
        if number % 29 == 7:  # payments to private individuals (e.g. a refund of a bond): redacted on publication
            supplier, supplier_type, company, charity = f"Resident {number:03d}", "Individual", "", ""
        elif kind == "Grants and contributions":
            (supplier, charity), supplier_type, company = rng.choice(CHARITIES), "Charity", ""
        else:
            (supplier, company), supplier_type, charity = rng.choice(SUPPLIERS), "Company", ""
        rows.append([
            COUNCIL, "Supplies and Services", "C" if kind == "Repairs and maintenance" and number % 3 == 0 else "R",
            service, f"{code}{rng.randint(100, 999)}", kind, rng.choice(QUARTER_DAYS).strftime("%d/%m/%Y"),
            supplier, supplier_type, company, charity, f"AP-{3100000 + number}",
            money(round(rng.uniform(500.01, 48000), 2)), "0.00", f"Internal note {rng.randint(1000, 9999)}",
        ])
    write_csv(EXTRACTS / "finance" / f"ledger-spend-{QUARTER}.csv", header, rows)
    write_mapping("ledger-spend", {
        "description": "Finance ledger export to spend-over-500.",
        "columns": {"Service Label": "service_area", "Expenditure Code": "expense_type",
                    "Capital / Revenue": "capital_or_revenue", "Payment Date": "expenditure_date",
                    "Supplier Name": "beneficiary", "Company Reg No": "beneficiary_company_number",
                    "Charity No": "beneficiary_charity_number", "Transaction No.": "transaction_number",
                    "Net Amount": "amount", "Irrecoverable VAT": "irrecoverable_vat",
                    "Expenditure Category": "purpose"},
        "drop": ["Body Name", "Service Code", "Narrative"],
        "constants": {"organisation_name": COUNCIL, "organisation_code": GSS},
        "values": {"capital_or_revenue": {"C": "capital", "R": "revenue"}},
        "dates": {"expenditure_date": "%d/%m/%Y"},
        "redact": [{"field": "beneficiary", "when_column": "Supplier Type", "in": ["Individual"],
                    "replacement": "REDACTED – personal data"}],
    })


def card_transactions(rng: random.Random) -> None:
    """Purchase card statement export (Calderdale-style columns)."""
    header = ["Body", "Organisation Name", "Transaction Date", "Transaction number", "Supplier Name",
              "Net Amount", "Merchant Category", "MCC", "Expense Area", "Expense Type", "Cardholder", "Expense Code"]
    rows = []
    for number in range(150):
        merchant, category, mcc, purpose = rng.choice(CARD_MERCHANTS)
        rows.append([GSS, COUNCIL, rng.choice(QUARTER_DAYS).strftime("%d/%m/%Y"), f"PC-{52000 + number}", merchant,
                     f"{rng.uniform(2, 480):.2f}", category, mcc, rng.choice(list(SERVICES)), purpose,
                     f"Card {rng.randint(10, 99)}", f"{rng.randint(10000000, 99999999)}"])
    write_csv(EXTRACTS / "finance" / f"purchase-cards-{QUARTER}.csv", header, rows)
    write_mapping("purchase-cards", {
        "description": "Card statement export to purchase-card-transactions.",
        "columns": {"Transaction Date": "transaction_date", "Transaction number": "transaction_number",
                    "Supplier Name": "beneficiary", "Net Amount": "amount", "Merchant Category": "merchant_category",
                    "MCC": "merchant_category_code", "Expense Area": "service_area", "Expense Type": "purpose"},
        "drop": ["Body", "Organisation Name", "Cardholder", "Expense Code"],
        "constants": {"organisation_name": COUNCIL, "organisation_code": GSS},
        "dates": {"transaction_date": "%d/%m/%Y"},
    })


def contracts_register(rng: random.Random) -> None:
    """Contracts register export (Salford-style columns)."""
    header = ["Directorate Name", "Process Used", "Contract Reference", "Contract Title", "Contract Description",
              "Supplier Company Name", "Supplier Postcode", "Annual Value", "Total Contract Value",
              "Start Date", "End Date", "SME Supplier?", "VCSE?", "Company Number", "Contract Manager"]
    works = ["Grounds maintenance", "Public toilet cleaning", "Car park resurfacing", "Leisure centre boiler servicing",
             "Street lighting repairs", "Printing of council tax bills", "IT support", "CCTV maintenance"]
    rows = []
    for number in range(60):
        (supplier, company), work, town = rng.choice(SUPPLIERS), rng.choice(works), rng.choice(TOWNS)
        start = dt.date(2022 + number % 3, 1 + number % 12, 1)
        years = rng.choice([1, 2, 3, 5])
        annual = round(rng.uniform(5200, 250000), 2)
        rows.append([rng.choice(list(SERVICES)), rng.choice(["RFQ", "Open Tender", "Framework Call-off", "Waiver"]),
                     f"WSC-C-{1000 + number}", f"{work}, {town}", f"{work} for council sites in {town}",
                     supplier, (f"IP{rng.randint(24, 33)} {rng.randint(1, 9)}{rng.choice('ABDEFGHJLNPQRSTUWXYZ')}"
                               f"{rng.choice('ABDEFGHJLNPQRSTUWXYZ')}"), f"{annual:.2f}", f"{annual * years:.2f}",
                     start.isoformat(), (start.replace(year=start.year + years) - dt.timedelta(days=1)).isoformat(),
                     rng.choice(["Yes", "No"]), "No", company.lstrip("0"), "Procurement Officer"])
    write_csv(EXTRACTS / "procurement" / "contracts-register-2024-09.csv", header, rows)
    write_mapping("contracts", {
        "description": "Contracts register export to contracts.",
        "columns": {"Directorate Name": "service_area", "Process Used": "procurement_route",
                    "Contract Reference": "contract_reference", "Contract Title": "title",
                    "Contract Description": "description", "Supplier Company Name": "supplier_name",
                    "Supplier Postcode": "supplier_postcode", "Annual Value": "annual_value",
                    "Total Contract Value": "contract_value", "Start Date": "start_date", "End Date": "end_date",
                    "SME Supplier?": "supplier_is_sme", "VCSE?": "supplier_is_vcse",
                    "Company Number": "supplier_company_number"},
        "drop": ["Contract Manager"],
        "constants": {"organisation_name": COUNCIL, "organisation_code": GSS},
        "values": {"procurement_route": {"RFQ": "quote", "Open Tender": "tender", "Framework Call-off": "framework",
                                         "Waiver": "direct-award"},
                   "supplier_is_sme": {"Yes": "true", "No": "false"},
                   "supplier_is_vcse": {"Yes": "true", "No": "false"}},
        "zero_pad": {"supplier_company_number": 8},
    })


# --- ward-level tables -------------------------------------------------------------------------------------

WARD_YEAR = "2023-24"
YEAR_DAYS = [dt.date(2023, 4, 1) + dt.timedelta(days=n) for n in range(366)]
TOWN_CENTRES = {"Abbeygate", "Haverhill Central", "Newmarket East", "Newmarket West", "Brandon Central",
                "Mildenhall Kingsway & Market", "Eastgate", "Tollgate"}
FIRST_NAMES = ["Alex", "Sam", "Jo", "Chris", "Pat", "Robin", "Ash", "Jamie", "Charlie", "Frankie", "Morgan",
               "Taylor", "Jordan", "Casey", "Riley", "Drew", "Jess", "Toni", "Nicky", "Lee"]
SURNAMES = ["Ashworth", "Barnard", "Cobbold", "Dunstan", "Everard", "Fulcher", "Gooderham", "Hammond", "Ingham",
            "Jolly", "Kerridge", "Lingwood", "Mayhew", "Nunn", "Orford", "Pettit", "Quantrill", "Rushbrook",
            "Sillett", "Thurlow", "Upcher", "Vincent", "Waspe", "Youngs"]
PARTIES = [("Conservative", 5), ("Independent", 3), ("Labour", 2), ("Liberal Democrats", 1), ("Green Party", 1)]
FORMER_WARDS = [  # names of wards before 2 May 2019; the codes are stand-ins made up for the demo, not ONS codes
    ("E05099901", "Risbygate"), ("E05099902", "Northgate"), ("E05099903", "Sexton"), ("E05099904", "St Mary's"),
    ("E05099905", "Great Heath"), ("E05099906", "Market"), ("E05099907", "Severals"), ("E05099908", "Red Lodge"),
]


def ward_rows() -> list[dict]:
    return vocabularies.wards()


def populations(rng: random.Random) -> dict[str, int]:
    """Made-up residents per ward: about 2,800 for each of its councillors."""
    return {ward["gss_code"]: int(int(ward["councillors"]) * 2800 * rng.uniform(0.88, 1.15)) for ward in ward_rows()}


def per_ward(rng: random.Random, residents: dict[str, int], rate: float, town_factor: float = 1.0):
    """(code, name, how many) for each ward: a made-up rate per 1,000 residents, higher in town centres."""
    for ward in ward_rows():
        factor = town_factor if ward["name"] in TOWN_CENTRES else 1.0
        expected = residents[ward["gss_code"]] / 1000 * rate * factor * rng.uniform(0.6, 1.5)
        yield ward["gss_code"], ward["name"], max(1, round(expected))


def as_typed(code: str, number: int) -> str:
    """Now and then a code as a person types it (lower case, stray spaces): the portal normalises these."""
    if number % 97 == 13:
        return " " + code.lower()
    if number % 89 == 5:
        return code[:3] + " " + code[3:]
    return code


def spread(rng: random.Random, days: list[dt.date]) -> str:
    return rng.choice(days).isoformat()


def write_table(folder: str, name: str, header: list[str], rows: list[list]) -> str:
    rows.sort(key=lambda row: row[0])
    write_csv(EXTRACTS / folder / f"{name}.csv", header, rows)
    return f"extracts/{folder}/{name}.csv"


def ward_tables(rng: random.Random) -> dict[str, str]:
    """Every ward-level demo table; returns {schema name: extract location}."""
    residents = populations(rng)
    extracts = {
        "ward-populations": write_table("wards", "ward-populations-2022", ["ward_code", "ward_name", "residents",
                                                                            "mid_year"],
                                        [[w["gss_code"], w["name"], residents[w["gss_code"]], 2022]
                                         for w in ward_rows()]),
    }
    councillors = []
    for ward in ward_rows():
        for seat in range(int(ward["councillors"])):
            party = rng.choices([p for p, _ in PARTIES], weights=[w for _, w in PARTIES])[0]
            name = f"{rng.choice(FIRST_NAMES)} {rng.choice(SURNAMES)}"
            while any(row[2] == name for row in councillors):
                name = f"{rng.choice(FIRST_NAMES)} {rng.choice(SURNAMES)}"
            elected = "2023-05-04" if seat or ward["name"] != "Mildenhall Queensway" else "2024-07-11"
            councillors.append([ward["gss_code"], ward["name"], name, party, elected])
    extracts["councillors"] = write_table("wards", "councillors-2024", ["ward_code", "ward_name", "councillor_name",
                                                                         "party", "elected_date"], councillors)

    rows, number = [], 0
    waste = ["Household waste", "Black bags", "Building rubble", "Green waste", "White goods", "Tyres",
             "Vehicle parts", "Other"]
    sizes = ["Single item", "Car boot load", "Small van load", "Transit van load", "Tipper lorry load"]
    costs = {"Single item": 45, "Car boot load": 85, "Small van load": 160, "Transit van load": 320,
             "Tipper lorry load": 900}
    lands = ["Highway", "Footpath or bridleway", "Council land", "Private land", "Agricultural land", "Watercourse"]
    for code, name, count in per_ward(rng, residents, 6.5, town_factor=1.8):
        for _ in range(count):
            number += 1
            size = rng.choices(sizes, weights=[30, 35, 20, 12, 3])[0]
            rows.append([f"FT-{230000 + number:06d}", spread(rng, YEAR_DAYS), code, name,
                         rng.choices(waste, weights=[20, 30, 12, 10, 8, 6, 4, 10])[0], size,
                         rng.choices(lands, weights=[45, 15, 15, 12, 10, 3])[0],
                         f"{costs[size] * rng.uniform(0.7, 1.4):.2f}"])
    extracts["fly-tipping-reports"] = write_table("wards", f"fly-tipping-{WARD_YEAR}", FLY_TIPPING_HEADER, rows)

    rows = []
    for number in range(420):  # the same table, coded to the wards before May 2019
        code, name = rng.choice(FORMER_WARDS)
        size = rng.choices(sizes, weights=[30, 35, 20, 12, 3])[0]
        rows.append([f"FT-{180000 + number:06d}", spread(rng, [dt.date(2018, 4, 1) + dt.timedelta(days=n)
                                                               for n in range(365)]), code, name,
                     rng.choice(waste), size, rng.choice(lands), f"{costs[size] * rng.uniform(0.7, 1.4):.2f}"])
    extracts["fly-tipping-reports/2018-19"] = write_table("wards", "fly-tipping-2018-19", FLY_TIPPING_HEADER, rows)

    rows, number = [], 0
    types = ["Householder", "Full", "Outline", "Reserved matters", "Listed building consent", "Change of use",
             "Advertisement consent", "Prior approval", "Tree works"]
    proposals = {"Householder": "Single storey rear extension", "Full": "Erection of a detached dwelling",
                 "Outline": "Outline application for up to 25 dwellings", "Reserved matters": "Appearance, "
                 "landscaping, layout and scale", "Listed building consent": "Replacement windows",
                 "Change of use": "Change of use from shop to cafe", "Advertisement consent": "Fascia sign",
                 "Prior approval": "Agricultural building to dwelling", "Tree works": "Crown reduction of an oak"}
    for code, name, count in per_ward(rng, residents, 5.0):
        for _ in range(count):
            number += 1
            kind = rng.choices(types, weights=[40, 18, 4, 3, 6, 6, 5, 6, 12])[0]
            received = rng.choice(YEAR_DAYS)
            decision = rng.choices(["Approved", "Refused", "Withdrawn", "Pending"], weights=[78, 9, 5, 8])[0]
            decided = "" if decision == "Pending" else (received + dt.timedelta(days=rng.randint(21, 90))).isoformat()
            suffix = {"Householder": "HH", "Full": "FUL", "Outline": "OUT", "Reserved matters": "RM",
                      "Listed building consent": "LB", "Change of use": "FUL", "Advertisement consent": "ADV",
                      "Prior approval": "PMBPA", "Tree works": "TCA"}[kind]
            rows.append([f"DC/{received.year % 100}/{number:04d}/{suffix}", received.isoformat(), code, name, kind,
                         proposals[kind], decision, decided])
    extracts["planning-applications"] = write_table("wards", f"planning-applications-{WARD_YEAR}",
                                                    ["application_reference", "received_date", "ward_code",
                                                     "ward_name", "application_type", "proposal", "decision",
                                                     "decision_date"], rows)

    rows, number = [], 0
    bins = ["Black bin (general waste)", "Blue bin (recycling)", "Brown bin (garden waste)", "Glass box"]
    for code, name, count in per_ward(rng, residents, 8.0):
        for _ in range(count):
            number += 1
            rows.append([f"MB-{230000 + number:06d}", spread(rng, YEAR_DAYS), as_typed(code, number), name,
                         rng.choices(bins, weights=[40, 35, 20, 5])[0], rng.choices(["true", "false"], [85, 15])[0]])
    extracts["missed-bin-collections"] = write_table("wards", f"missed-bin-collections-{WARD_YEAR}",
                                                     ["report_reference", "collection_date", "ward_code",
                                                      "ward_name", "bin_type", "put_right_in_two_days"], rows)

    rows, number = [], 0
    activities = ["Pub or bar", "Restaurant", "Shop (alcohol off sales)", "Late night takeaway", "Hotel",
                  "Sports or social club", "Village hall", "Theatre or cinema", "Other"]
    names = {"Pub or bar": "The {} Arms", "Restaurant": "{} Kitchen", "Shop (alcohol off sales)": "{} Stores",
             "Late night takeaway": "{} Grill", "Hotel": "{} House Hotel", "Sports or social club": "{} Social Club",
             "Village hall": "{} Village Hall", "Theatre or cinema": "{} Playhouse", "Other": "{} Events"}
    for code, name, count in per_ward(rng, residents, 2.5, town_factor=3.0):
        for _ in range(count):
            number += 1
            activity = rng.choices(activities, weights=[25, 22, 20, 8, 5, 7, 8, 2, 3])[0]
            club = activity == "Sports or social club" and number % 2 == 0
            rows.append([f"LN/{number:06d}", names[activity].format(name.split()[0].replace(",", "")), code, name,
                         "Club premises certificate" if club else "Premises licence", activity,
                         (dt.date(2005, 11, 24) + dt.timedelta(days=rng.randint(0, 6700))).isoformat()])
    extracts["licensed-premises"] = write_table("wards", "licensed-premises-2024", ["licence_number", "premises_name",
                                                "ward_code", "ward_name", "licence_type", "main_activity",
                                                "granted_date"], rows)

    rows, number = [], 0
    funds = ["Locality budget", "Community Chest", "Rural Initiatives Fund", "Thriving Communities Fund"]
    groups = ["Village Hall Committee", "Youth Club", "Scout Group", "Allotment Society", "Community Cafe",
              "Bowls Club", "Friends of the Park", "Heritage Society", "Food Bank", "Lunch Club"]
    purposes = ["New equipment", "Building repairs", "Summer activities", "Community event", "Planting and benches"]
    for code, name, count in per_ward(rng, residents, 0.7):
        for _ in range(count):
            number += 1
            fund = rng.choices(funds, weights=[50, 25, 15, 10])[0]
            amount = rng.uniform(150, 1500) if fund == "Locality budget" else rng.uniform(1000, 12000)
            rows.append([f"CG-23-{number:04d}", spread(rng, YEAR_DAYS), code, name,
                         f"{name.split(',')[0].split(' & ')[0]} {rng.choice(groups)}", fund, rng.choice(purposes),
                         f"{amount:.2f}"])
    extracts["community-grants"] = write_table("wards", f"community-grants-{WARD_YEAR}", ["grant_reference",
                                               "award_date", "ward_code", "ward_name", "recipient", "fund",
                                               "purpose", "amount"], rows)

    rows, number = [], 0
    contraventions = [("01", "Higher"), ("12", "Higher"), ("30", "Lower"), ("40", "Higher"), ("83", "Lower"),
                      ("86", "Lower"), ("87", "Higher")]
    for code, name, count in per_ward(rng, residents, 4.0, town_factor=9.0):
        for _ in range(count):
            number += 1
            contravention, band = rng.choice(contraventions)
            where = "Council car park" if contravention in ("83", "86", "87") else "On street"
            rows.append([f"WS23{number:06d}", spread(rng, YEAR_DAYS), code, name, where, contravention, band,
                         "70.00" if band == "Higher" else "50.00"])
    extracts["parking-penalty-charge-notices"] = write_table("wards", f"parking-pcns-{WARD_YEAR}", [
        "pcn_reference", "issued_date", "ward_code", "ward_name", "location_type", "contravention_code",
        "charge_band", "charge_amount"], rows)
    return extracts


FLY_TIPPING_HEADER = ["report_reference", "reported_date", "ward_code", "ward_name", "waste_type", "size",
                      "land_type", "clearance_cost"]


def write_mapping(name: str, content: dict) -> None:
    MAPPINGS.mkdir(parents=True, exist_ok=True)
    path = MAPPINGS / f"{DEMO_MAPPING_PREFIX}{name}.yaml"
    path.write_text(f"# Written by make_demo.py\n{yaml.safe_dump(content, sort_keys=False, allow_unicode=True)}",
                    encoding="utf-8")


def from_example(schema: str, folder: str, period: str) -> str:
    """An extract that already follows its schema: the schema's own valid example."""
    target = EXTRACTS / folder / f"{schema}-{period}.csv"
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(table_schemas.example_path(schema), target)
    return f"extracts/{folder}/{schema}-*.csv"


# asset id, title, service area, owner role, system, schema, status, personal data, frequency, period,
# spatial, keywords, theme, extract (glob), mapping, contact mailbox
def register_rows(wards: dict[str, str]) -> list[dict]:
    def asset(number, title, area, owner, system, schema, period, frequency, keywords, theme="GOVE",
              status="approved", personal="none", extract=None, mapping=None, spatial=GSS,
              mailbox="opendata@westsuffolk.gov.uk", description=None, tc=True):
        folder = area.lower().split()[0]
        if extract is None and status == "approved":
            extract = from_example(schema, folder, period)
        return {
            "asset_id": f"IAR-{number:04d}", "title": title,
            "description": description or f"{title} for West Suffolk Council, published under the Local "
                                          "Government Transparency Code 2015.",
            "service_area": area, "information_asset_owner": owner, "source_system": system,
            "extract_location": extract or "", "table_schema": table_schemas.latest_ref(schema) if schema else "",
            "column_mapping": mapping or "", "publication_status": status, "personal_data": personal,
            "licence": "", "update_frequency": frequency, "spatial_coverage": spatial,
            "transparency_code_category": schema if tc and schema else "", "keywords": keywords,
            "retention": "6 years after the end of the financial year", "last_reviewed": REVIEWED,
            "contact_email": mailbox, "period": period, "data_provenance": "synthetic", "theme": theme,
        }

    finance, hr = "Finance", "HR and Organisational Development"
    return [
        asset(1, "Spending over £500", finance, "Head of Finance", "Finance ledger", "spend-over-500", QUARTER,
              "quarterly", "spending; payments; suppliers; transparency", "GOVE;ECON",
              extract="extracts/finance/ledger-spend-*.csv", mapping="mappings/westsuffolk-ledger-spend.yaml",
              mailbox="transparency@westsuffolk.gov.uk"),
        asset(2, "Purchase card transactions", finance, "Head of Finance", "Card provider statements",
              "purchase-card-transactions", QUARTER, "quarterly", "purchase cards; spending; transparency",
              "GOVE;ECON", extract="extracts/finance/purchase-cards-*.csv",
              mapping="mappings/westsuffolk-purchase-cards.yaml", mailbox="transparency@westsuffolk.gov.uk"),
        asset(3, "Contracts over £5,000", "Procurement", "Procurement Manager", "Contracts register",
              "contracts", QUARTER, "quarterly", "contracts; procurement; suppliers", "GOVE;ECON",
              extract="extracts/procurement/contracts-register-*.csv", mapping="mappings/westsuffolk-contracts.yaml",
              mailbox="procurement@westsuffolk.gov.uk"),
        asset(4, "Invitations to tender over £5,000", "Procurement", "Procurement Manager", "e-Tendering portal",
              "invitations-to-tender", QUARTER, "quarterly", "tenders; procurement", "GOVE;ECON",
              mailbox="procurement@westsuffolk.gov.uk"),
        asset(5, "Land and building assets", "Resources and Property", "Head of Property", "Asset management system",
              "land-and-building-assets", "2024-25", "annual", "land; buildings; property", "GOVE;REGI"),
        asset(6, "Grants to voluntary, community and social enterprise organisations", "Families and Communities",
              "Head of Families and Communities", "Grants database", "grants-to-vcse", "2024-25", "annual",
              "grants; voluntary sector; charities", "GOVE;SOCI"),
        asset(7, "Organisation chart (top three levels)", hr, "Head of HR", "HR system", "organisation-chart",
              "2024-25", "annual", "organisation chart; senior staff",
              mapping="mappings/westsuffolk-organisation-chart.yaml"),
        asset(8, "Trade union facility time", hr, "Head of HR", "HR system", "trade-union-facility-time",
              "2024-25", "annual", "trade unions; facility time; staff"),
        asset(9, "Parking account", "Parking Services", "Parking Services Manager", "Finance ledger",
              "parking-account", "2023-24", "annual", "parking; income; expenditure", "GOVE;TRAN"),
        asset(10, "Controlled parking spaces", "Parking Services", "Parking Services Manager", "Car parks database",
              "parking-spaces", "2024-25", "annual", "parking; car parks; spaces", "TRAN"),
        asset(11, "Senior salaries: pay bands", hr, "Head of HR", "Payroll", "senior-salaries-bands", "2023-24",
              "annual", "salaries; senior staff; pay"),
        asset(12, "Senior salaries: named posts", hr, "Head of HR", "Payroll", "senior-salaries-posts", "2023-24",
              "annual", "salaries; senior staff; remuneration"),
        asset(13, "Pay multiple", hr, "Head of HR", "Payroll", "pay-multiple", "2023-24", "annual",
              "pay multiple; pay ratio; salaries"),
        asset(14, "Counter fraud work", "Internal Audit", "Head of Internal Audit", "Case management system",
              "fraud", "2023-24", "annual", "fraud; counter fraud; investigations", "GOVE;JUST"),
        asset(15, "Waste collection contracts", "Operations", "Head of Operations", "Contracts register",
              "waste-collection-contract", "2024-25", "never", "waste; bins; recycling; contracts", "GOVE;ENVI"),
        asset(16, "Council tax single person discounts", "Revenues and Benefits", "Head of Revenues and Benefits",
              "Council tax system", None, "2024-25", "monthly", "council tax", status="not_for_publication",
              personal="personal", description="Names and addresses of households receiving the discount.", tc=False),
        asset(17, "Housing register applications", "Housing", "Head of Housing", "Housing register system", None,
              "2024-25", "weekly", "housing; applications", status="not_for_publication",
              personal="special_category", description="Applicants' circumstances, including health and disability.",
              tc=False),
        asset(18, "Electoral register", "Electoral Services", "Electoral Registration Officer",
              "Electoral management system", None, "2024-25", "monthly", "electoral register",
              status="not_for_publication", personal="personal",
              description="Names and addresses of electors: available only as the law allows.", tc=False),
        asset(19, "Licensed taxi and private hire drivers", "Licensing", "Licensing Manager", "Licensing system", None,
              "2024-25", "monthly", "licensing; taxis", status="not_for_publication", personal="personal",
              description="Driver licence holders, including conviction checks.", tc=False),
        asset(20, "CCTV camera footage log", "Community Safety", "Community Safety Manager", "CCTV system", None,
              "2024-25", "daily", "cctv; community safety", status="not_for_publication", personal="special_category",
              description="Log of requests for footage of identifiable people.", tc=False),
        asset(21, "Planning applications received", "Planning and Growth", "Head of Planning", "Planning system",
              "planning-applications", WARD_YEAR, "weekly", "planning; applications; development; wards", "REGI",
              extract=wards["planning-applications"], tc=False,
              description="Every planning application received, with the ward it is in, its type and the decision "
                          "so far. Agents' and applicants' details are not included."),
        asset(22, "Business rates reliefs awarded", "Revenues and Benefits", "Head of Revenues and Benefits",
              "Business rates system", None, "2024-25", "quarterly", "business rates; reliefs", "ECON",
              status="under_review", personal="anonymised",
              description="Reliefs awarded to businesses; sole traders to be anonymised.", tc=False),
        asset(23, "Staff sickness absence", hr, "Head of HR", "HR system", None, "2024-Q3", "quarterly",
              "sickness; absence; staff", status="under_review", personal="anonymised",
              description="Working days lost per employee by service area.", tc=False),
        asset(24, "Play area inspections", "Operations", "Head of Operations", "Asset inspection app", None,
              "2024-Q3", "monthly", "play areas; inspections; parks", "SOCI", status="under_review",
              description="Results of routine inspections of council play areas.", tc=False),
        asset(25, "Mildenhall Hub car park spaces (old car park)", "Parking Services", "Parking Services Manager",
              "Car parks database", "parking-spaces", "2022-23", "never", "parking; Mildenhall", "TRAN",
              status="withdrawn", description="Spaces at the car park closed when the Mildenhall Hub opened; "
                                              "superseded by the controlled parking spaces dataset.", tc=False),
        asset(26, "Public toilets", "Operations", "Head of Operations", "Asset management system", None, "2024-25",
              "annual", "toilets; facilities", "SOCI", status="not_for_publication",
              description="Locations and opening hours; to be published once the review of provision is complete.",
              tc=False),
        *ward_assets(asset, wards),
    ]


def ward_assets(asset, wards: dict[str, str]) -> list[dict]:
    """The ward-level tables of the demo register (the ward pages compare them)."""
    ops, by_ward = "Operations", "Every {what}, with the ward it is in ({codes}), so that wards can be compared."
    return [
        asset(27, "Fly-tipping reports", ops, "Head of Operations", "Street scene case management",
              "fly-tipping-reports", WARD_YEAR, "monthly", "fly-tipping; waste; enforcement; wards", "ENVI",
              extract=wards["fly-tipping-reports"], tc=False,
              description=by_ward.format(what="report of fly-tipping the council cleared", codes="ONS ward code")),
        asset(28, "Missed bin collections", ops, "Head of Operations", "Waste collection system",
              "missed-bin-collections", WARD_YEAR, "monthly", "bins; waste collection; wards", "ENVI",
              extract=wards["missed-bin-collections"], tc=False,
              description=by_ward.format(what="missed bin collection reported", codes="ONS ward code")),
        asset(29, "Licensed premises", "Licensing", "Licensing Manager", "Licensing system", "licensed-premises",
              "2024-03-31", "monthly", "licensing; alcohol; premises; wards", "ECON;SOCI",
              extract=wards["licensed-premises"], tc=False,
              description=by_ward.format(what="premises licence and club premises certificate in force",
                                         codes="ONS ward code")),
        asset(30, "Community grants by ward", "Families and Communities", "Head of Families and Communities",
              "Grants database", "community-grants", WARD_YEAR, "annual", "grants; community; locality budgets; wards",
              "SOCI", extract=wards["community-grants"], tc=False,
              description=by_ward.format(what="grant from the council's community funds, councillors' locality "
                                              "budgets included,", codes="ONS ward code")),
        asset(31, "Parking penalty charge notices", "Parking Services", "Parking Services Manager",
              "Parking enforcement system", "parking-penalty-charge-notices", WARD_YEAR, "monthly",
              "parking; penalty charge notices; enforcement; wards", "TRAN",
              extract=wards["parking-penalty-charge-notices"], tc=False,
              description=by_ward.format(what="penalty charge notice issued", codes="ONS ward code")),
        asset(32, "Ward populations", "Strategy and Performance", "Head of Strategy and Performance",
              "ONS mid-year population estimates", "ward-populations", "2022", "annual", "population; residents; wards",
              "SOCI", extract=wards["ward-populations"], tc=False,
              description="The number of residents of each ward (mid-2022 estimate). The ward pages use it to "
                          "show figures per 1,000 residents."),
        asset(33, "Councillors by ward", "Democratic Services", "Head of Democratic Services",
              "Committee management system", "councillors", "2024-10-07", "irregular",
              "councillors; elected members; wards", "GOVE", extract=wards["councillors"], tc=False,
              description="The councillors elected for each of West Suffolk's 43 wards, with their party. "
                          "The names are made up: they are not West Suffolk's councillors."),
        asset(34, "Fly-tipping reports 2018 to 2019 (wards before May 2019)", ops, "Head of Operations",
              "Street scene case management", "fly-tipping-reports", "2018-19", "never",
              "fly-tipping; waste; wards; historical", "ENVI", extract=wards["fly-tipping-reports/2018-19"], tc=False,
              description="Fly-tipping reports from before the ward boundaries changed on 2 May 2019, coded to the "
                          "wards of that time. The ward pages show them by those wards and never add them to "
                          "today's. The ward codes in this table are stand-ins made up for the demonstration "
                          "(E05099901 to E05099908); they are not ONS codes."),
    ]


# ---- the published register: why held-back assets are not published --------------------------
# Blank reasons are filled in by the publish jobs from the status and the personal data column.
PUBLICATION_REASONS = {
    "IAR-0018": "Personal data: the law limits who may see the full electoral register.",
    "IAR-0022": "Under review: reliefs to sole traders are being anonymised before publication.",
    "IAR-0023": "Under review: figures for small teams are being grouped so that no one can be identified.",
    "IAR-0025": "Superseded by the controlled parking spaces dataset.",
    "IAR-0026": "The review of public toilet provision must finish first; the list will be published then.",
    "IAR-0060": "Commercial confidence: the operator's prices and margins stay confidential until the contract "
                "ends; its value and term are in the contracts dataset.",
}


def held_back_rows() -> list[dict]:
    """An asset held back for commercial confidence (the other held-back assets are in register_rows)."""
    return [{
        "asset_id": "IAR-0060", "title": "Leisure centres operating contract: prices and performance",
        "description": "The operator's prices, margins and monthly performance reports for the council's leisure "
                       "centres.",
        "service_area": "Leisure and Culture", "information_asset_owner": "Head of Leisure and Culture",
        "source_system": "Contract management system", "extract_location": "", "table_schema": "",
        "column_mapping": "", "publication_status": "not_for_publication", "personal_data": "none", "licence": "",
        "update_frequency": "monthly", "spatial_coverage": GSS, "transparency_code_category": "",
        "keywords": "leisure; contracts", "retention": "6 years after the contract ends", "last_reviewed": REVIEWED,
        "contact_email": "opendata@westsuffolk.gov.uk", "period": "2024-25", "data_provenance": "synthetic",
        "theme": "EDUC",
    }]


def with_publication_reasons(rows: list[dict]) -> list[dict]:
    return [{**row, "reason_not_published": PUBLICATION_REASONS.get(row["asset_id"], "")} for row in rows]


def write_register(rows: list[dict]) -> None:
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Register"
    names = register_schema().field_names
    sheet.append(names)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in rows:
        sheet.append([row.get(name, "") or None for name in names])
    for column in sheet.columns:
        sheet.column_dimensions[column[0].column_letter].width = 24
    workbook.properties.creator = "make_demo.py"
    workbook.properties.created = workbook.properties.modified = dt.datetime(2024, 10, 7)
    workbook.save(HERE / "register.xlsx")


def main() -> None:
    if EXTRACTS.exists():
        shutil.rmtree(EXTRACTS)
    for old in MAPPINGS.glob(f"{DEMO_MAPPING_PREFIX}*.yaml"):
        old.unlink()
    rng = random.Random(SEED)
    ledger_spend(rng)
    card_transactions(rng)
    contracts_register(rng)
    wards = ward_tables(rng)
    write_mapping("organisation-chart", {
        "description": "The organisation chart already follows its schema; its contacts are council role "
                       "mailboxes, which the personal-data scan accepts.",
    })
    rows = with_publication_reasons(register_rows(wards) + held_back_rows())
    write_register(rows)
    print(f"Wrote {len(rows)} assets to {HERE / 'register.xlsx'}, extracts in {EXTRACTS}, mappings in {MAPPINGS}")


if __name__ == "__main__":
    main()
