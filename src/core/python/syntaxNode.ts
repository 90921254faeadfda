/**
 * The reader's own syntax nodes, made from web-tree-sitter's on first use. Every property of a
 * web-tree-sitter `Node` (its type, children, fields, end, text) is a call into WebAssembly each
 * time it is read, and the reader reads the same nodes again and again (a function's body on
 * every call, every statement on every keystroke). A `SyntaxNode` asks tree-sitter once and keeps
 * the answer.
 *
 * Positions are kept relative to the top-level statement a node belongs to (its anchor), so a
 * statement an edit only moved (same text, lines above it inserted or removed) keeps its nodes:
 * the analyzer moves the anchor instead of building them again (analysis/statementReuse.ts).
 */
import type { Language, Node, Point } from 'web-tree-sitter';

/** One parsed text (a file, a module, a statement parsed alone): what its nodes' text is cut from. */
export class SyntaxTree {
  constructor(
    public text: string,
    readonly language: Language,
  ) {}

  private named = new Map<number, boolean>();

  /** Whether nodes of a type are named (a property of the grammar, asked once per type). */
  isNamedType(typeId: number): boolean {
    let known = this.named.get(typeId);
    if (known === undefined) {
      known = this.language.nodeTypeIsNamed(typeId);
      this.named.set(typeId, known);
    }
    return known;
  }
}

/** Where a top-level statement starts now. */
interface Anchor {
  index: number;
  row: number;
}

/** How a node is found from its parent: its index among the children (>= 0), or -1 - the id of its field. */
type Place = number;

let nextId = 1;

export class SyntaxNode {
  /** Unique among the nodes of this process (a reused node keeps its id). */
  readonly id = nextId++;
  readonly tree: SyntaxTree;
  /**
   * Its tree-sitter node in the current tree; null after its statement was carried into a new
   * tree, until asked again. A node's is null whenever its parent's is (nodes are looked up from
   * their parent), which keeps forgetting cheap.
   */
  private raw: Node | null;
  private parentNode: SyntaxNode | null;
  private place: Place;
  private anchor: Anchor;
  private readonly start: number;
  private readonly startRow: number;
  private readonly startColumn: number;
  private typeName: string | undefined;
  private named: boolean | undefined;
  /** End relative to the anchor; -1 until asked. */
  private end = -1;
  private endRow = 0;
  private endColumn = 0;
  private childList: SyntaxNode[] | undefined;
  private namedList: SyntaxNode[] | undefined;
  /** By field id: the child in that field, null when none; undefined until asked. */
  private fields: (SyntaxNode | null | undefined)[] | undefined;
  private fieldLists: Map<string, SyntaxNode[]> | undefined;

  private constructor(raw: Node, tree: SyntaxTree, parent: SyntaxNode | null, place: Place, anchor: Anchor | null) {
    this.raw = raw;
    this.tree = tree;
    this.parentNode = parent;
    this.place = place;
    const startPosition = raw.startPosition;
    this.anchor = anchor ?? { index: raw.startIndex, row: startPosition.row };
    this.start = raw.startIndex - this.anchor.index;
    this.startRow = startPosition.row - this.anchor.row;
    this.startColumn = startPosition.column;
  }

  /** The root of a parsed text; its children are top-level statements, each the anchor of its own nodes. */
  static root(raw: Node, tree: SyntaxTree): SyntaxNode {
    return new SyntaxNode(raw, tree, null, 0, { index: 0, row: 0 });
  }

  get type(): string {
    if (this.typeName === undefined) this.readType();
    return this.typeName ?? 'ERROR';
  }

  get isNamed(): boolean {
    if (this.named === undefined) this.readType();
    return this.named ?? true;
  }

  get startIndex(): number {
    return this.anchor.index + this.start;
  }

  get startPosition(): Point {
    return { row: this.anchor.row + this.startRow, column: this.startColumn };
  }

  get endIndex(): number {
    if (this.end < 0) this.readEnd();
    return this.anchor.index + this.end;
  }

  get endPosition(): Point {
    if (this.end < 0) this.readEnd();
    return { row: this.anchor.row + this.endRow, column: this.endColumn };
  }

  get text(): string {
    return this.tree.text.slice(this.startIndex, this.endIndex);
  }

  get children(): readonly SyntaxNode[] {
    if (!this.childList) {
      const raw = this.rawNode();
      // The root's children start anchors of their own: the top-level statements.
      const anchorOfChildren = this.parentNode === null ? null : this.anchor;
      const byField = this.fields?.filter((f): f is SyntaxNode => !!f) ?? [];
      this.childList = raw.children.map((child, i) => {
        const node = present(child);
        // A child already made for its field stays the same node.
        const known = byField.find((f) => f.rawNode().id === node.id);
        return known ?? new SyntaxNode(node, this.tree, this, i, anchorOfChildren);
      });
    }
    return this.childList;
  }

  get namedChildren(): readonly SyntaxNode[] {
    this.namedList ??= this.children.filter((c) => c.isNamed);
    return this.namedList;
  }

  get firstChild(): SyntaxNode | null {
    return this.children[0] ?? null;
  }

  childForFieldId(fieldId: number): SyntaxNode | null {
    this.fields ??= [];
    let known = this.fields[fieldId];
    if (known === undefined) {
      const raw = this.rawNode();
      const found = raw.childForFieldId(fieldId);
      if (!found) known = null;
      else if (this.childList) known = this.childWithId(raw, found.id);
      else known = new SyntaxNode(found, this.tree, this, -1 - fieldId, this.parentNode === null ? null : this.anchor);
      this.fields[fieldId] = known;
    }
    return known;
  }

  childrenForFieldName(name: string): readonly SyntaxNode[] {
    this.fieldLists ??= new Map();
    let known = this.fieldLists.get(name);
    if (!known) {
      const raw = this.rawNode();
      known = [];
      for (const found of raw.childrenForFieldName(name)) {
        const child = found ? this.childWithId(raw, found.id) : null;
        if (child) known.push(child);
      }
      this.fieldLists.set(name, known);
    }
    return known;
  }

  /** The descendants of a type, in file order (the node itself excluded). */
  descendantsOfType(type: string): SyntaxNode[] {
    const found: SyntaxNode[] = [];
    const visit = (node: SyntaxNode): void => {
      for (const child of node.children) {
        if (child.type === type) found.push(child);
        visit(child);
      }
    };
    visit(this);
    return found;
  }

  /**
   * The root of a new tree whose top-level statements are taken from an older root where
   * `reused` finds one (a statement an edit moved but did not change): its nodes stay, their
   * positions follow the new anchor, and tree-sitter's nodes are looked up again, in the new
   * tree, only where they were not read yet.
   */
  static rootReusing(raw: Node, tree: SyntaxTree, reused: (statement: Node) => SyntaxNode | null): SyntaxNode {
    const statements = raw.children.map(present);
    // Decided while the old tree is alive: the old statements are read from it.
    const taken = statements.map(reused);
    const root = SyntaxNode.root(raw, tree);
    root.childList = statements.map((statement, i) => {
      const old = taken[i];
      if (!old) return new SyntaxNode(statement, tree, root, i, null);
      if (old.tree !== tree) throw new Error('a statement moves only within its own tree');
      old.anchor.index = statement.startIndex;
      old.anchor.row = statement.startPosition.row;
      // Its nodes look their tree-sitter nodes up again (rawNode) when next asked; none keeps the old tree's.
      old.forgetRaw();
      old.raw = statement;
      old.parentNode = root;
      old.place = i;
      return old;
    });
    return root;
  }

  /** The top-level statements of a root made so far. */
  madeChildren(): readonly SyntaxNode[] {
    return this.childList ?? [];
  }

  private rawNode(): Node {
    if (!this.raw) {
      if (!this.parentNode) throw new Error('a syntax root outlived its tree');
      const parent = this.parentNode.rawNode();
      this.raw = present(this.place >= 0 ? parent.child(this.place) : parent.childForFieldId(-1 - this.place));
    }
    return this.raw;
  }

  private forgetRaw(): void {
    if (!this.raw) return;
    this.raw = null;
    for (const child of this.childList ?? []) child.forgetRaw();
    for (const child of this.fields ?? []) child?.forgetRaw();
  }

  private readType(): void {
    const typeId = this.rawNode().typeId;
    this.typeName = this.tree.language.types[typeId] || 'ERROR';
    this.named = this.tree.isNamedType(typeId);
  }

  private readEnd(): void {
    const raw = this.rawNode();
    const endPosition = raw.endPosition;
    this.end = raw.endIndex - this.anchor.index;
    this.endRow = endPosition.row - this.anchor.row;
    this.endColumn = endPosition.column;
  }

  private childWithId(raw: Node, id: number): SyntaxNode | null {
    const index = raw.children.findIndex((c) => c?.id === id);
    return index < 0 ? null : this.children[index];
  }
}

function present(node: Node | null): Node {
  if (!node) throw new Error('tree-sitter gave no node where it counted one');
  return node;
}
