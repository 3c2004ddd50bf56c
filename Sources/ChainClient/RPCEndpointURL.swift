import Foundation

/// How an RPC endpoint is named where people read it (logs, `stats`): providers put API keys
/// in the path, the query or the user part of their URLs, so only scheme, host and port are
/// shown, and `/…` says that something was left out.
public enum RPCEndpointURL {
    public static func redacted(_ url: String) -> String {
        guard let components = URLComponents(string: url), let scheme = components.scheme, let host = components.host else {
            return "<unreadable URL>"
        }
        var text = "\(scheme)://\(host)"
        if let port = components.port { text += ":\(port)" }
        let hidden = !(components.path.isEmpty || components.path == "/") || components.query != nil || components.user != nil
        return hidden ? text + "/…" : text
    }
}
