/**
 * Entry point of the MM-PHATE anywidget front end: `render` mounts a WidgetView into the
 * widget's element and returns the cleanup that releases its GPU resources and listeners.
 */
import type { AnyModel } from "./model";
import { WidgetView } from "./view";

function render({ model, el }: { model: AnyModel; el: HTMLElement }): () => void {
  const view = new WidgetView(model, el);
  return () => view.dispose();
}

export default { render };
