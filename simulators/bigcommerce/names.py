"""Static vocabulary the generator draws from: countries with languages, names, product words."""

from __future__ import annotations

from typing import NamedTuple


class Country(NamedTuple):
    iso2: str
    name: str
    language: str
    currency: str
    cities: tuple[tuple[str, str, str], ...]  # city, state, postal code


COUNTRIES: tuple[Country, ...] = (
    Country(
        "US", "United States", "en", "USD", (("Austin", "Texas", "78701"), ("Denver", "Colorado", "80202"))
    ),
    Country(
        "CA", "Canada", "fr", "USD", (("Montreal", "Quebec", "H2Y 1C6"), ("Quebec City", "Quebec", "G1R 4P5"))
    ),
    Country("GB", "United Kingdom", "en", "USD", (("London", "Greater London", "EC1A 1BB"),)),
    Country("DE", "Germany", "de", "EUR", (("Berlin", "Berlin", "10115"), ("Munich", "Bavaria", "80331"))),
    Country("FR", "France", "fr", "EUR", (("Paris", "Ile-de-France", "75001"), ("Lyon", "Rhone", "69001"))),
    Country("NL", "Netherlands", "nl", "EUR", (("Amsterdam", "North Holland", "1012"),)),
    Country("ES", "Spain", "es", "EUR", (("Madrid", "Madrid", "28001"),)),
)
#: weights of COUNTRIES when drawing a customer's country
COUNTRY_WEIGHTS: tuple[int, ...] = (40, 8, 12, 14, 12, 7, 7)

FIRST_NAMES = (
    "Ava",
    "Liam",
    "Mia",
    "Noah",
    "Emma",
    "Lucas",
    "Sofia",
    "Jonas",
    "Lea",
    "Hugo",
    "Chloe",
    "Mateo",
    "Nora",
    "Finn",
    "Ines",
    "Oscar",
    "Lina",
    "Elias",
    "Julia",
    "Theo",
)
LAST_NAMES = (
    "Smith",
    "Jones",
    "Miller",
    "Martin",
    "Bernard",
    "Schmidt",
    "Fischer",
    "de Vries",
    "Garcia",
    "Lopez",
    "Dubois",
    "Weber",
    "Bakker",
    "Moreau",
    "Taylor",
    "Brown",
    "Wagner",
    "Jansen",
)
STREETS = ("Main St", "Market St", "High St", "Park Ave", "Station Rd", "Church Ln", "Mill Rd")
COMPANY_WORDS = ("Acme", "Northwind", "Globex", "Initech", "Umbrella", "Stark", "Wayne", "Tyrell", "Soylent")
COMPANY_SUFFIXES = ("Ltd", "GmbH", "SARL", "BV", "Inc", "SL")

CATEGORIES: tuple[tuple[int, str], ...] = ((21, "Apparel"), (22, "Home"), (23, "Electronics"), (24, "Books"))
PRODUCT_ADJECTIVES = ("Classic", "Organic", "Smart", "Compact", "Deluxe", "Vintage", "Eco", "Pro")
PRODUCT_NOUNS: dict[int, tuple[str, ...]] = {
    21: ("T-Shirt", "Hoodie", "Jacket", "Scarf"),
    22: ("Mug", "Lamp", "Blanket", "Vase"),
    23: ("Headphones", "Charger", "Speaker", "Keyboard"),
    24: ("Cookbook", "Novel", "Atlas", "Notebook"),
}
SIZES = ("S", "M", "L")

#: customer groups: id, name; group 4 holds B2B company buyers
CUSTOMER_GROUPS: tuple[tuple[int, str], ...] = (
    (1, "Retail"),
    (2, "Wholesale"),
    (3, "VIP"),
    (4, "B2B Companies"),
)
DELIVERY_CHANNELS = ("email", "portal", "print")
CARRIERS = (("ups", "UPS"), ("fedex", "FedEx"), ("usps", "USPS"), ("dhl", "DHL"))
