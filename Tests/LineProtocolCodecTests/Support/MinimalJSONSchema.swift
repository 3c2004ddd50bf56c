import Foundation
import JSON
import LineProtocolTesting

/// Just enough JSON Schema (draft 2020-12) to check the protocol's schemas against messages,
/// without a dependency: `$ref` (relative files and `#/…` pointers), `type`, `enum`, `const`,
/// `properties`, `required`, `additionalProperties`, `items`, `pattern`, `minimum`, `maximum`,
/// `minLength`, `allOf`, `anyOf`, `oneOf`, `not`, `if`/`then`/`else`. Any other keyword that
/// is not an annotation is reported as unsupported, so a schema can never pass by accident.
struct MinimalJSONSchema {
    private var documents: [String: JSONValue] = [:]
    private static let annotations: Set<String> = ["$schema", "$id", "$defs", "title", "description", "$comment", "examples", "format", "default"]

    init(files: [URL]) throws {
        for file in files {
            let document = try StrictJSONParser.parse(Array(try Data(contentsOf: file)))
            guard let id = document["$id"]?.stringValue else { throw RawUnixConnection.Failure(description: "\(file.lastPathComponent) has no $id") }
            documents[id] = document
        }
    }

    var documentIDs: [String] { documents.keys.sorted() }

    /// Every violation, as `path: reason`; empty when `instance` is valid.
    func validate(_ instance: JSONValue, against id: String) -> [String] {
        guard let document = documents[id] else { return ["no schema \(id)"] }
        var errors: [String] = []
        check(instance, document, base: id, path: "$", errors: &errors)
        return errors
    }

    private func resolve(_ reference: String, base: String) -> (JSONValue, String)? {
        let parts = reference.split(separator: "#", maxSplits: 1, omittingEmptySubsequences: false)
        let documentID = parts[0].isEmpty ? base : (URL(string: String(parts[0]), relativeTo: URL(string: base))?.absoluteString ?? "")
        guard var node = documents[documentID] else { return nil }
        if parts.count == 2 {
            for token in parts[1].split(separator: "/") {
                guard let next = node[String(token)] else { return nil }
                node = next
            }
        }
        return (node, documentID)
    }

    private func check(_ instance: JSONValue, _ schema: JSONValue, base: String, path: String, errors: inout [String]) {
        guard case .object(let keywords) = schema else {
            if schema == .bool(false) { errors.append("\(path): no value is allowed") }
            return
        }
        for (keyword, value) in keywords.sorted(by: { $0.key < $1.key }) {
            switch keyword {
            case "$ref":
                guard let reference = value.stringValue, let (target, targetBase) = resolve(reference, base: base) else {
                    errors.append("\(path): unresolvable $ref \(value)")
                    continue
                }
                check(instance, target, base: targetBase, path: path, errors: &errors)
            case "type":
                let types = value.arrayValue?.compactMap(\.stringValue) ?? [value.stringValue ?? ""]
                if !types.contains(where: { Self.has(instance, type: $0) }) {
                    errors.append("\(path): \(JSONWriter.string(instance).prefix(80)) is not of type \(types)")
                }
            case "enum":
                if !(value.arrayValue ?? []).contains(where: { Self.equal($0, instance) }) {
                    errors.append("\(path): \(JSONWriter.string(instance).prefix(80)) is not one of \(JSONWriter.string(value))")
                }
            case "const":
                if !Self.equal(value, instance) { errors.append("\(path): must be \(JSONWriter.string(value))") }
            case "properties":
                guard case .object(let fields) = instance, case .object(let properties) = value else { continue }
                for (name, subschema) in properties.sorted(by: { $0.key < $1.key }) {
                    if let field = fields[name] { check(field, subschema, base: base, path: "\(path).\(name)", errors: &errors) }
                }
            case "required":
                guard case .object(let fields) = instance else { continue }
                for name in value.arrayValue?.compactMap(\.stringValue) ?? [] where fields[name] == nil {
                    errors.append("\(path): \(name) is required")
                }
            case "additionalProperties":
                guard case .object(let fields) = instance else { continue }
                let known = Set(keywords["properties"]?.objectValue?.keys.map { $0 } ?? [])
                for (name, field) in fields where !known.contains(name) {
                    check(field, value, base: base, path: "\(path).\(name)", errors: &errors)
                }
            case "items":
                guard case .array(let elements) = instance else { continue }
                for (index, element) in elements.enumerated() {
                    check(element, value, base: base, path: "\(path)[\(index)]", errors: &errors)
                }
            case "pattern":
                guard case .string(let text) = instance, let pattern = value.stringValue else { continue }
                let regex = try? NSRegularExpression(pattern: pattern)
                if regex?.firstMatch(in: text, range: NSRange(text.startIndex..., in: text)) == nil {
                    errors.append("\(path): \(text.prefix(80)) does not match \(pattern)")
                }
            case "minimum", "maximum":
                guard let number = Self.number(instance), let bound = Self.number(value) else { continue }
                if keyword == "minimum" ? number < bound : number > bound { errors.append("\(path): \(number) is out of range (\(keyword) \(bound))") }
            case "minLength":
                if case .string(let text) = instance, let minimum = value.intValue, text.count < minimum {
                    errors.append("\(path): shorter than \(minimum)")
                }
            case "allOf":
                for subschema in value.arrayValue ?? [] { check(instance, subschema, base: base, path: path, errors: &errors) }
            case "anyOf", "oneOf":
                let passing = (value.arrayValue ?? []).filter { passes(instance, $0, base: base) }.count
                if keyword == "anyOf" ? passing == 0 : passing != 1 {
                    errors.append("\(path): \(passing) of the \(keyword) alternatives match")
                }
            case "not":
                if passes(instance, value, base: base) { errors.append("\(path): must not match \(JSONWriter.string(value).prefix(80))") }
            case "if":
                let branch = passes(instance, value, base: base) ? keywords["then"] : keywords["else"]
                if let branch { check(instance, branch, base: base, path: path, errors: &errors) }
            case "then", "else":
                continue
            default:
                if !Self.annotations.contains(keyword) { errors.append("\(path): unsupported keyword \(keyword)") }
            }
        }
    }

    private func passes(_ instance: JSONValue, _ schema: JSONValue, base: String) -> Bool {
        var errors: [String] = []
        check(instance, schema, base: base, path: "$", errors: &errors)
        return errors.isEmpty
    }

    private static func has(_ value: JSONValue, type: String) -> Bool {
        switch (type, value) {
        case ("null", .null), ("boolean", .bool), ("string", .string), ("object", .object), ("array", .array): true
        case ("number", .int), ("number", .double), ("integer", .int): true
        case ("integer", .double(let double)): double.rounded() == double
        default: false
        }
    }

    private static func number(_ value: JSONValue) -> Double? {
        switch value {
        case .int(let integer): Double(integer)
        case .double(let double): double
        default: nil
        }
    }

    private static func equal(_ left: JSONValue, _ right: JSONValue) -> Bool {
        if let a = number(left), let b = number(right) { return a == b }
        return left == right
    }
}
