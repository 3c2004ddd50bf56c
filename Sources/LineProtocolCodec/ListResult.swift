import JSON
import PaymentModel

/// The result shapes that wrap a list: `{"settings":[…]}`, `{"payments":[…]}` and `{"prices":[…]}`.
public enum ListResult {
    public static func settings(_ settings: [Setting]) -> JSONValue {
        ["settings": .array(settings.map(\.wireValue))]
    }

    public static func payments(_ payments: [PaymentSnapshot]) -> JSONValue {
        ["payments": .array(payments.map(\.wireValue))]
    }

    public static func prices(_ prices: [Price]) -> JSONValue {
        ["prices": .array(prices.map(\.wireValue))]
    }

    public static func prices(wire value: JSONValue) throws(JSONShapeError) -> [Price] {
        try JSONObjectReader(value).objects("prices").map(Price.init(wire:))
    }

    public static func settings(wire value: JSONValue) throws(JSONShapeError) -> [Setting] {
        try JSONObjectReader(value).objects("settings").map(Setting.init(wire:))
    }

    public static func payments(wire value: JSONValue) throws(JSONShapeError) -> [PaymentSnapshot] {
        try JSONObjectReader(value).objects("payments").map(PaymentSnapshot.init(wire:))
    }
}
