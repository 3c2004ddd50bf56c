import JSON
import PaymentModel

/// The result shapes that wrap a list: `{"settings":[…]}` and `{"payments":[…]}`.
public enum ListResult {
    public static func settings(_ settings: [Setting]) -> JSONValue {
        ["settings": .array(settings.map(\.wireValue))]
    }

    public static func payments(_ payments: [PaymentSnapshot]) -> JSONValue {
        ["payments": .array(payments.map(\.wireValue))]
    }

    public static func settings(wire value: JSONValue) throws(JSONShapeError) -> [Setting] {
        try JSONObjectReader(value).objects("settings").map(Setting.init(wire:))
    }

    public static func payments(wire value: JSONValue) throws(JSONShapeError) -> [PaymentSnapshot] {
        try JSONObjectReader(value).objects("payments").map(PaymentSnapshot.init(wire:))
    }
}
