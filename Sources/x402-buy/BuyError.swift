/// A failure of the buyer tool, with a sentence.
struct BuyError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
