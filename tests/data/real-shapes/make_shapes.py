"""Write SYNTHETIC extracts shaped like real council exports: `python tests/data/real-shapes/make_shapes.py`.

Every value is made up (payees are invented companies; no people, e-mail addresses or phone numbers).
Only the shapes are real: they copy what four real spend files from other councils looked like.
Each extract has a hand-written mapping beside it (same name, .yaml), and register.csv lists them all
as approved assets, so `prepare()` takes each one through the whole publish job.

    a  Windows-1252, CRLF line ends, day/month/year dates              -> spend-over-500
    b  UTF-8 with a byte-order mark; b2 the same with the mark saved twice -> purchase-card-transactions
    c  system headings like Nstrg(T), Amt(N); dates with times        -> spend-over-500
    d  the transaction key split over two columns                      -> spend-over-500
    e  values in an unnamed 11th column, empty trailing columns        -> spend-over-500
    f  an .xlsx workbook with a cover sheet and an empty sheet         -> contracts
    g  £ signs, thousands separators, bracketed and trailing-minus negatives -> purchase-card-transactions
"""
from __future__ import annotations

import codecs
import csv
import datetime as dt
import io
import random
import re
import zipfile
from pathlib import Path

HERE = Path(__file__).parent
SEED = 7
LETTERS = "ABDEFGHJLNPQRSTUWXYZ"  # the letters postcodes end with
FIXED_TIME = dt.datetime(2024, 9, 1)
STAMP = FIXED_TIME.timetuple()[:6]  # the workbook's zip entries carry this time
PLACES = ["Lark Valley", "Brandon Heath", "Kennet", "Stour Vale", "Breckland", "Ickworth", "Risby",
          "Cavenham", "Glemsford", "Barrow Green", "Hundon", "Moulton"]
TRADES = ["Builders", "Plumbing", "Grounds Maintenance", "Office Supplies", "Catering", "IT Services",
          "Waste Solutions", "Fencing", "Print Works", "Consulting", "Café Supplies", "Electrical"]
FORMS = ["Ltd", "Limited", "LLP", "plc", "CIC"]
SERVICES = ["Housing", "Leisure", "Waste and Street Scene", "Planning", "Resources",
            "Families and Communities"]
EXPENSES = ["Repairs – buildings", "Equipment", "Professional fees", "Vehicle fuel", "Printing", "Catering"]
MERCHANTS = [("Office Supplies", "5111"), ("Caterers", "5811"), ("Hardware Stores", "5251"),
             ("Book Stores", "5942"), ("Computer Software", "5734"), ("Parking Lots", "7523")]


def companies(rng: random.Random, count: int) -> list[str]:
    names = {f"{rng.choice(PLACES)} {rng.choice(TRADES)} {rng.choice(FORMS)}" for _ in range(count * 3)}
    return sorted(names)[:count]


def days(rng: random.Random, count: int, start=dt.date(2024, 8, 1)) -> list[dt.date]:
    return sorted(start + dt.timedelta(days=rng.randrange(31)) for _ in range(count))


def csv_text(rows: list[list], line_end: str = "\r\n") -> str:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator=line_end).writerows(rows)
    return buffer.getvalue()


def windows_1252(rng: random.Random) -> bytes:
    header = ["Body Name", "Service Area", "Expense Type", "Payment Date", "Supplier", "Transaction No",
              "Net Amount", "Cap/Rev", "Description"]
    payees = [*companies(rng, 11), "Ickworth Café Ltd"]
    rows = [[
        "West Suffolk Council", rng.choice(SERVICES), rng.choice(EXPENSES), f"{day:%d/%m/%Y}",
        rng.choice(payees), f"AP{40100 + n}", f"{rng.uniform(500, 9000):.2f}", rng.choice("RRRC"),
        f"{rng.choice(EXPENSES)} – August",
    ] for n, day in enumerate(days(rng, 30))]
    return csv_text([header, *rows]).encode("cp1252")


def purchase_cards(rng: random.Random) -> str:
    header = ["Card Transaction ID", "Transaction Date", "Merchant Name", "Merchant Category", "MCC",
              "Directorate", "Expense Description", "Amount"]
    payees = [*companies(rng, 10), "Zürich Office Furniture GmbH", "Crème Patisserie Ltd"]
    rows = []
    for n, day in enumerate(days(rng, 25)):
        category, code = rng.choice(MERCHANTS)
        rows.append([f"PC-{7000 + n}", day.isoformat(), rng.choice(payees), category, code,
                     rng.choice(SERVICES), rng.choice(EXPENSES), f"{rng.uniform(3, 400):.2f}"])
    return csv_text([header, *rows])


def system_headings(rng: random.Random) -> bytes:
    header = ["OrgNm(T)", "TrnNo(N)", "PayDt(D)", "Nstrg(T)", "SrvArea(T)", "ExpTyp(T)", "CapRev(T)",
              "Purp(T)", "Amt(N)", "CoRegNo(T)", "Vat(N)"]
    payees = companies(rng, 10)
    numbers = {payee: rng.choice([str(rng.randrange(100000, 9999999)), ""]) for payee in payees}
    rows = []
    for n, day in enumerate(days(rng, 35)):
        payee = rng.choice(payees)
        rows.append(["WEST SUFFOLK COUNCIL", 880000 + n, f"{day:%d/%m/%Y} 00:00:00", payee,
                     rng.choice(SERVICES), rng.choice(EXPENSES), rng.choice(["REV", "REV", "CAP"]),
                     rng.choice(EXPENSES),
                     f"{rng.uniform(500, 20000):.2f}", numbers[payee], "0.00"])
    return csv_text([header, *rows], "\n").encode("utf-8")


def split_key(rng: random.Random) -> bytes:
    header = ["Document Number", "Line", "Posting Date", "Supplier Name", "Cost Centre Name",
              "Account Description", "Amount", "Purpose"]
    payees = companies(rng, 8)
    rows, document = [], 5100230
    for day in days(rng, 14):
        document += rng.randrange(1, 9)
        payee, lines = rng.choice(payees), rng.choice([1, 1, 2, 3])
        for line in range(1, lines + 1):
            rows.append([document, line, f"{day:%d-%b-%Y}", payee, rng.choice(SERVICES), rng.choice(EXPENSES),
                         f"{rng.uniform(500, 6000):.2f}", rng.choice(EXPENSES)])
    return csv_text([header, *rows]).encode("utf-8")


def unnamed_column(rng: random.Random) -> bytes:
    header = ["Organisation", "Service", "Type", "Date", "Payee", "Reference", "Amount", "Capital or Revenue",
              "Purpose", "Company Number"]
    payees = companies(rng, 10)
    rows = []
    for n, day in enumerate(days(rng, 40)):
        stray = rng.choice(["", "", "", "checked", "AP batch 12"])  # the 11th column: no heading, some values
        rows.append(["West Suffolk Council", rng.choice(SERVICES), rng.choice(EXPENSES), day.isoformat(),
                     rng.choice(payees), f"WS{9300 + n}", f"{rng.uniform(500, 7000):.2f}", "revenue",
                     rng.choice(EXPENSES), "", stray, ""])  # an empty 12th cell too: a trailing comma
    return csv_text([header, *rows]).encode("utf-8")


def cover_sheet_workbook(rng: random.Random) -> bytes:
    from openpyxl import Workbook

    workbook = Workbook()
    cover = workbook.active
    cover.title = "About"
    cover.append(["Contracts register – SYNTHETIC test data made up for the West Suffolk open data portal"])
    cover.append([])
    cover.append(["Published under the Local Government Transparency Code 2015."])
    cover.append(["The register itself is on the sheet 'Contracts'."])
    sheet = workbook.create_sheet("Contracts")
    sheet.append(["Reference", "Title", "Description", "Department", "Supplier", "Company No", "Postcode",
                  "SME", "VCSE", "Total Value", "Annual Value", "Start", "End", "Route"])
    suppliers = companies(rng, 10)
    for n in range(22):
        start = dt.datetime(2023, 4, 1) + dt.timedelta(days=rng.randrange(500))
        years = rng.choice([1, 2, 3, 5])
        total = round(rng.uniform(6000, 400000), 2)
        work = rng.choice(["Grounds maintenance", "Boiler servicing", "Printing", "IT support", "Cleaning"])
        department, supplier = rng.choice(SERVICES), rng.choice(suppliers)
        company = rng.choice([rng.randrange(100000, 9999999), None])  # a number: Excel dropped its leading 0
        postcode = f"IP{rng.randrange(1, 33)} {rng.randrange(1, 9)}{rng.choice(LETTERS)}{rng.choice(LETTERS)}"
        sheet.append([f"WSC-C{300 + n}", f"{work} contract", f"{work} for council buildings", department,
                      supplier, company, postcode, rng.choice(["Y", "N"]), rng.choice(["Y", "N"]), total,
                      round(total / years, 2), start, start + dt.timedelta(days=365 * years),
                      rng.choice(["Open tender", "Quotes", "Framework", "Waiver"])])
    workbook.create_sheet("Sheet3")  # empty, as Excel used to add
    buffer = io.BytesIO()
    workbook.save(buffer)
    return same_bytes_every_time(buffer.getvalue())


def same_bytes_every_time(xlsx: bytes) -> bytes:
    """The workbook zipped again with fixed times, so regenerating it changes nothing."""
    out = io.BytesIO()
    stamp = f"{FIXED_TIME:%Y-%m-%dT%H:%M:%SZ}".encode()
    with zipfile.ZipFile(io.BytesIO(xlsx)) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as new:
        for item in source.infolist():
            data = source.read(item)
            if item.filename == "docProps/core.xml":  # created and modified: the time of saving
                data = re.sub(rb"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", stamp, data)
            new.writestr(zipfile.ZipInfo(item.filename, STAMP), data, zipfile.ZIP_DEFLATED)
    return out.getvalue()


def pounds_and_brackets(rng: random.Random) -> bytes:
    header = ["Txn Ref", "Date", "Merchant", "Category", "Directorate", "Gross", "VAT", "Cardholder Team"]
    payees = companies(rng, 10)

    def money(value: float) -> str:
        text = f"£{abs(value):,.2f}"
        if value >= 0:
            return rng.choice([text, text.replace("£", "£ "), f"{abs(value):,.2f}"])
        return rng.choice([f"({text})", f"{abs(value):,.2f}-", f"-{text}"])

    rows = []
    for n, day in enumerate(days(rng, 30)):
        amount = rng.uniform(-60, 2500) if n % 6 else -rng.uniform(5, 1500)  # refunds are negative
        category, _ = rng.choice(MERCHANTS)
        rows.append([f"GC{61000 + n}", f"{day:%d/%m/%Y}", rng.choice(payees), category, rng.choice(SERVICES),
                     money(amount), money(amount / 6), rng.choice(["Depot", "Leisure desk", "Finance"])])
    return csv_text([header, *rows]).encode("utf-8")


EXTRACTS = {  # file -> (asset id, table schema, mapping)
    "a-windows-1252-crlf.csv": ("IAR-9001", "spend-over-500", "a-windows-1252-crlf.yaml"),
    "b-utf8-bom.csv": ("IAR-9002", "purchase-card-transactions", "b-utf8-bom.yaml"),
    "b2-double-bom.csv": ("IAR-9003", "purchase-card-transactions", "b-utf8-bom.yaml"),
    "c-system-headings.csv": ("IAR-9004", "spend-over-500", "c-system-headings.yaml"),
    "d-split-key.csv": ("IAR-9005", "spend-over-500", "d-split-key.yaml"),
    "e-unnamed-11th-column.csv": ("IAR-9006", "spend-over-500", "e-unnamed-11th-column.yaml"),
    "f-cover-sheet.xlsx": ("IAR-9007", "contracts", "f-cover-sheet.yaml"),
    "g-pounds-and-brackets.csv": ("IAR-9008", "purchase-card-transactions", "g-pounds-and-brackets.yaml"),
}
REGISTER_HEADER = [  # schemas/information-asset-register.json
    "asset_id", "title", "description", "service_area", "information_asset_owner", "source_system",
    "extract_location", "table_schema", "column_mapping", "publication_status", "personal_data", "licence",
    "update_frequency", "spatial_coverage", "transparency_code_category", "keywords", "retention",
    "last_reviewed", "contact_email", "period", "data_provenance", "theme",
]


def build() -> dict[str, bytes]:
    rng = random.Random(SEED)
    cards = purchase_cards(rng)
    files = {
        "a-windows-1252-crlf.csv": windows_1252(rng),
        "b-utf8-bom.csv": codecs.BOM_UTF8 + cards.encode("utf-8"),
        "b2-double-bom.csv": codecs.BOM_UTF8.decode("cp1252").encode("utf-8") + cards.encode("utf-8"),
        "c-system-headings.csv": system_headings(rng),
        "d-split-key.csv": split_key(rng),
        "e-unnamed-11th-column.csv": unnamed_column(rng),
        "f-cover-sheet.xlsx": cover_sheet_workbook(rng),
        "g-pounds-and-brackets.csv": pounds_and_brackets(rng),
    }
    register = [REGISTER_HEADER] + [[
        asset_id, f"Synthetic real-shape extract {name}",
        f"SYNTHETIC test extract shaped like a real export ({name}).", "Finance", "Head of Finance",
        "Test data", name, schema, mapping, "approved", "none", "", "monthly", "E07000245", schema, "test",
        "", "2024-09-01", "transparency@westsuffolk.gov.uk", "2024-08", "synthetic", "GOVE",
    ] for name, (asset_id, schema, mapping) in EXTRACTS.items()]
    files["register.csv"] = csv_text(register, "\n").encode("utf-8")
    return files


def main() -> None:
    for name, data in build().items():
        (HERE / name).write_bytes(data)
    print(f"Wrote {len(EXTRACTS)} synthetic extracts and register.csv to {HERE}")


if __name__ == "__main__":
    main()
