import PaymentModel

/// `payctl settings get` for people: key, value and what the setting does.
public enum SettingsView {
    public static func render(_ settings: [Setting]) -> String {
        var table = TextTable(headers: ["KEY", "VALUE", "DESCRIPTION"])
        for setting in settings.sorted(by: { $0.key < $1.key }) {
            table.append([setting.key, setting.value, setting.description])
        }
        return table.render()
    }
}
