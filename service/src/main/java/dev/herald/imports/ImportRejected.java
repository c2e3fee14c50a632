package dev.herald.imports;

import java.util.List;

/** The file has bad rows: nothing was imported. {@link #errors()} are the first bad rows in file order (at most 10). */
public final class ImportRejected extends RuntimeException {
    private final List<RowError> errors;
    private final long badRows;

    ImportRejected(List<RowError> sortedErrors, long badRows) {
        super(badRows + " bad row" + (badRows == 1 ? "" : "s") + "; nothing was imported");
        this.errors = List.copyOf(sortedErrors.subList(0, Math.min(Importer.MAX_REPORTED, sortedErrors.size())));
        this.badRows = badRows;
    }

    public List<RowError> errors() { return errors; }

    public long badRows() { return badRows; }
}
