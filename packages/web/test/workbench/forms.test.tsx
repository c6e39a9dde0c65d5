import { describe, expect, it } from 'vitest';
import { fireEvent, render, screen } from '@testing-library/react';
import { Categorizer } from '../../src/families/categorization/Categorizer.tsx';
import { FieldsForm } from '../../src/families/fields/FieldsForm.tsx';
import { TranscriptionForm } from '../../src/families/fields/TranscriptionForm.tsx';
import { DocumentTranscriptionForm } from '../../src/families/documents/DocumentTranscriptionForm.tsx';
import { Comparison } from '../../src/families/comparison/Comparison.tsx';
import { makeTask, sourceCatcher } from './helpers.tsx';

describe('categorization', () => {
  it('saves the chosen category as a string', () => {
    const catcher = sourceCatcher();
    render(<Categorizer task={makeTask('categorization', { categories: ['cat', 'dog'] })} onReady={catcher.onReady} onChange={() => {}} />);
    expect(catcher.problems()).toEqual(['Choose a category.']);
    fireEvent.click(screen.getByLabelText(/dog/));
    expect(catcher.response()).toEqual({ category: 'dog' });
    expect(catcher.problems()).toEqual([]);
  });

  it('saves a list when allow_multiple, and number keys toggle categories', () => {
    const catcher = sourceCatcher();
    const task = makeTask('categorization', { categories: ['cat', 'dog', 'bird'], allow_multiple: true });
    render(<Categorizer task={task} onReady={catcher.onReady} onChange={() => {}} />);
    fireEvent.keyDown(window, { key: '1' });
    fireEvent.keyDown(window, { key: '3' });
    expect(catcher.response()).toEqual({ category: ['cat', 'bird'] });
  });

  it('starts from a saved draft', () => {
    const catcher = sourceCatcher();
    const task = makeTask('categorization', { categories: ['cat', 'dog'] });
    render(<Categorizer task={task} initialResponse={{ category: 'cat' }} onReady={catcher.onReady} onChange={() => {}} />);
    expect((screen.getByLabelText(/cat/) as HTMLInputElement).checked).toBe(true);
  });
});

describe('text and data collection', () => {
  it('saves textcollection answers as Scale does, under annotations by field_id, and checks required ones', () => {
    const catcher = sourceCatcher();
    const task = makeTask('textcollection', {
      fields: [
        { field_id: 'summary', type: 'text', title: 'Summary', min_characters: 3 },
        { field_id: 'rating', type: 'number', title: 'Rating', min: 1, max: 5 },
        { field_id: 'tone', type: 'category', title: 'Tone', choices: [{ label: 'Happy', value: 'happy' }, { label: 'Sad', value: 'sad' }] },
      ],
    });
    render(<FieldsForm task={task} onReady={catcher.onReady} onChange={() => {}} />);
    expect(catcher.problems()).toEqual(['Answer “Summary”.', 'Answer “Rating”.', 'Answer “Tone”.']);
    fireEvent.change(screen.getByLabelText('Summary *'), { target: { value: 'ok' } });
    fireEvent.change(screen.getByLabelText('Rating *'), { target: { value: '9' } });
    fireEvent.click(screen.getByLabelText('Sad'));
    expect(catcher.problems()).toEqual(['“Summary” needs at least 3 characters.', '“Rating” must be at most 5.']);
    expect(catcher.response()).toEqual({ annotations: { summary: 'ok', rating: 9, tone: ['sad'] } });
  });

  it('saves each textcollection field type in its own JSON type: booleans, choice lists, field sets, repeated answers', () => {
    const catcher = sourceCatcher();
    const task = makeTask('textcollection', {
      fields: [
        { field_id: 'spam', type: 'boolean', title: 'Spam' },
        {
          field_id: 'genre',
          type: 'category',
          title: 'Genre',
          max_choices: 2,
          choices: [{ label: 'Rock', value: 'rock', subchoices: [{ label: 'Punk', value: 'punk' }] }, { label: 'Jazz', value: 'jazz' }, { label: 'Seven', value: 7 }],
        },
        { field_id: 'heard', type: 'datetime', title: 'Heard', required: false },
        {
          field_id: 'artist',
          type: 'field_set',
          title: 'Artist',
          fields: [
            { field_id: 'name', type: 'text', title: 'Name' },
            { field_id: 'born', type: 'number', title: 'Born', required: false },
          ],
        },
        { field_id: 'tags', type: 'text', title: 'Tag', max_responses_required: 2, required: false },
        { field_id: 'note', type: 'text', title: 'Note', required: false },
      ],
    });
    render(<FieldsForm task={task} onReady={catcher.onReady} onChange={() => {}} />);
    expect(catcher.problems()).toEqual(['Answer “Spam”.', 'Answer “Genre”.', 'Answer “Artist”.']);
    fireEvent.click(screen.getByLabelText('No'));
    fireEvent.click(screen.getByLabelText('Rock › Punk'));
    fireEvent.click(screen.getByLabelText('Seven'));
    fireEvent.change(screen.getByLabelText('Born'), { target: { value: '1990' } });
    expect(catcher.problems()).toEqual(['Answer “Artist › Name”.']);
    fireEvent.change(screen.getByLabelText('Name *'), { target: { value: 'The Band' } });
    fireEvent.click(screen.getByText('Add Tag'));
    fireEvent.click(screen.getByText('Add Tag'));
    expect(screen.queryByText('Add Tag')).toBeNull();
    fireEvent.change(screen.getByLabelText('Tag 1'), { target: { value: 'loud' } });
    fireEvent.change(screen.getByLabelText('Note'), { target: { value: 'x' } });
    fireEvent.change(screen.getByLabelText('Note'), { target: { value: '' } });
    expect(catcher.problems()).toEqual([]);
    // The empty second tag, the cleared note and the unanswered datetime are left out.
    expect(catcher.response()).toEqual({
      annotations: { spam: false, genre: ['punk', 7], artist: { name: 'The Band', born: 1990 }, tags: ['loud'] },
    });
  });

  it('starts a textcollection form from a saved response, and from a draft saved under fields', () => {
    const task = makeTask('textcollection', {
      fields: [
        { field_id: 'summary', type: 'text', title: 'Summary' },
        { field_id: 'tone', type: 'category', title: 'Tone', choices: [{ label: 'Happy', value: 'happy' }, { label: 'Sad', value: 'sad' }] },
      ],
    });
    const saved = sourceCatcher();
    const { unmount } = render(
      <FieldsForm task={task} initialResponse={{ annotations: { summary: 'Fine', tone: ['sad'] } }} onReady={saved.onReady} onChange={() => {}} />,
    );
    expect((screen.getByLabelText('Summary *') as HTMLTextAreaElement).value).toBe('Fine');
    expect((screen.getByLabelText('Sad') as HTMLInputElement).checked).toBe(true);
    expect(saved.response()).toEqual({ annotations: { summary: 'Fine', tone: ['sad'] } });
    unmount();
    const old = sourceCatcher();
    render(<FieldsForm task={task} initialResponse={{ fields: { summary: 'Old', tone: 'happy' } }} onReady={old.onReady} onChange={() => {}} />);
    expect(old.response()).toEqual({ annotations: { summary: 'Old', tone: ['happy'] } });
  });

  it('reads datacollection fields given as {key: description}', () => {
    const catcher = sourceCatcher();
    const task = makeTask('datacollection', { fields: { phone: 'Phone number of the business' } });
    render(<FieldsForm task={task} onReady={catcher.onReady} onChange={() => {}} />);
    fireEvent.change(screen.getByLabelText('phone *'), { target: { value: '555-0100' } });
    expect(catcher.response()).toEqual({ fields: { phone: '555-0100' } });
  });

  it('keeps datacollection answers under fields, starting from a saved response', () => {
    const catcher = sourceCatcher();
    const task = makeTask('datacollection', { fields: { phone: 'Phone number', city: 'City' } });
    render(<FieldsForm task={task} initialResponse={{ fields: { phone: '555-0100' } }} onReady={catcher.onReady} onChange={() => {}} />);
    fireEvent.change(screen.getByLabelText('city *'), { target: { value: 'Oslo' } });
    expect(catcher.response()).toEqual({ fields: { phone: '555-0100', city: 'Oslo' } });
  });
});

describe('transcription and comparison', () => {
  it('saves transcription fields and repeatable rows', () => {
    const catcher = sourceCatcher();
    const task = makeTask('transcription', { fields: { total: 'Total' }, repeatable_fields: { item: 'Item name' } });
    render(<TranscriptionForm task={task} onReady={catcher.onReady} onChange={() => {}} />);
    fireEvent.change(screen.getByLabelText('total *'), { target: { value: '12.50' } });
    fireEvent.click(screen.getByText('Add row'));
    fireEvent.change(screen.getByLabelText('item *'), { target: { value: 'Coffee' } });
    expect(catcher.response()).toEqual({ fields: { total: '12.50' }, repeatable_fields: [{ item: 'Coffee' }] });
  });

  it('saves documenttranscription entries as annotations', () => {
    const catcher = sourceCatcher();
    const task = makeTask('documenttranscription', { fields: { invoice_number: 'Invoice number' } });
    render(<DocumentTranscriptionForm task={task} onReady={catcher.onReady} onChange={() => {}} />);
    expect(catcher.problems()).toEqual(['Transcribe at least one entry.']);
    fireEvent.change(screen.getByLabelText('Text'), { target: { value: 'INV-42' } });
    expect(catcher.response()).toMatchObject({ annotations: [{ label: 'invoice_number', text: 'INV-42' }] });
  });

  it('saves the comparison choice', () => {
    const catcher = sourceCatcher();
    const task = makeTask('comparison', { attachment_type: 'text', attachments: ['First text', 'Second text'], choices: ['first', 'second'] });
    render(<Comparison task={task} onReady={catcher.onReady} onChange={() => {}} />);
    expect(screen.getByText('Second text')).toBeTruthy();
    fireEvent.click(screen.getByLabelText('second'));
    expect(catcher.response()).toEqual({ choice: 'second' });
  });
});
